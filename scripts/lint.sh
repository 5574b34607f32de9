#!/usr/bin/env bash
# Lint: format, clang-tidy, house bans, shellcheck. Prints one line per problem and exits 1 if
# there is any; prints nothing when all is clean.
#
#   scripts/lint.sh            everything: src/, tests/, bench/, scripts/, .ci/run
#   scripts/lint.sh PATH...    only files under these paths (e.g. scripts/lint.sh src/server)
#
# 1. clang-format --dry-run --Werror on *.cc and *.h under src/ tests/ bench/ (.clang-format).
# 2. clang-tidy-19 on every src/**/*.cc (.clang-tidy), with build/debug/compile_commands.json;
#    configures build/debug first when it is missing.
# 3. House bans (../shared/STYLE.md), read from code with comments and string literals blanked:
#    no `throw` in src/ (except files listed in scripts/lint-throw-allowlist.txt); no `sqlite3_`
#    outside src/store/ (bench/ may: it measures raw SQLite); no raw `new`/`delete` in src/
#    (except a private-constructor factory wrapping at once: a line holding `unique_ptr<`);
#    no `system(`; no sleeps in tests/unit/ (use FakeClock).
# 4. shellcheck on scripts/*.sh, tests/**/*.sh and .ci/run (-x: sourced files are followed).
#
# Environment: CLANG_TIDY (default clang-tidy-19), CLANG_FORMAT (clang-format), LINT_JOBS (2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

CLANG_TIDY=${CLANG_TIDY:-clang-tidy-19}
CLANG_FORMAT=${CLANG_FORMAT:-clang-format}
LINT_JOBS=${LINT_JOBS:-2}
BUILD_DIR=build/debug
THROW_ALLOWLIST=scripts/lint-throw-allowlist.txt

problems=0
# report LINE...: prints problem lines (one per argument line) and counts them.
report() {
  local line
  while IFS= read -r line; do
    [[ -z "$line" ]] && continue
    echo "$line"
    problems=$((problems + 1))
  done
}

scopes=("$@")
# in_scope: filters stdin (paths) to those under the PATH arguments, if any were given.
in_scope() {
  local path scope
  while IFS= read -r path; do
    if ((${#scopes[@]} == 0)); then
      echo "$path"
      continue
    fi
    for scope in "${scopes[@]}"; do
      scope=${scope#./}
      scope=${scope%/}
      if [[ "$path" == "$scope" || "$path" == "$scope"/* ]]; then
        echo "$path"
        break
      fi
    done
  done
}

# sources DIR...: the *.cc and *.h files under DIRs, tracked or new (not ignored), that exist.
sources() {
  local dir
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    for dir in "$@"; do
      git ls-files -co --exclude-standard -- "$dir/*.cc" "$dir/*.h"
    done
  else
    for dir in "$@"; do
      [[ -d "$dir" ]] && find "$dir" -type f \( -name '*.cc' -o -name '*.h' \)
    done
  fi | while IFS= read -r f; do [[ -f "$f" ]] && echo "$f"; done | sort -u | in_scope
}

mapfile -t cxx_files < <(sources src tests bench)
# lines ARG...: one argument a line; nothing at all for no arguments.
lines() { (($# == 0)) || printf '%s\n' "$@"; }
filter() { lines "${cxx_files[@]}" | grep -E "$1" || true; }

# --- 1. clang-format -------------------------------------------------------------------------
if ((${#cxx_files[@]} > 0)); then
  fmt_rc=0
  fmt_out=$("$CLANG_FORMAT" --dry-run --Werror "${cxx_files[@]}" 2>&1) || fmt_rc=$?
  fmt_lines=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):' <<<"$fmt_out" | sed -E \
    's/: (error|warning): code should be clang-formatted.*/: clang-format: not formatted (run clang-format -i)/' || true)
  if [[ -n "$fmt_lines" ]]; then
    report <<<"$fmt_lines"
  elif ((fmt_rc != 0)); then
    report <<<"clang-format failed: $fmt_out"
  fi
fi

# --- 2. clang-tidy ---------------------------------------------------------------------------
mapfile -t tidy_files < <(filter '^src/.*\.cc$')
if ((${#tidy_files[@]} > 0)); then
  if [[ ! -f "$BUILD_DIR/compile_commands.json" ]]; then
    # Configure only (the build.ninja target): clang-tidy needs the compile commands, not objects.
    scripts/build.sh debug build.ninja
  fi
  tidy_one() {
    local file=$1 out rc=0 lines
    # rapidjson 1.1.0 (Debian 12) assigns to a const member in a template clang 19 parses
    # eagerly (document.h:319, an error g++ never instantiates); parse templates lazily.
    out=$("$CLANG_TIDY" --quiet -p "$BUILD_DIR" --extra-arg=-fdelayed-template-parsing \
      --extra-arg=-Wno-delayed-template-parsing-in-cxx20 "$file" 2>&1) || rc=$?
    # Findings located in system headers (/usr/...) are not ours to fix: the analyzer follows
    # paths into Boost's coroutine machinery and reports there.
    lines=$(grep -E '^[^ ]+:[0-9]+:[0-9]+: (error|warning):' <<<"$out" | grep -v '^/usr/' |
      sed -E -e "s|^$PWD/||" -e 's/,-warnings-as-errors\]/]/' || true)
    if [[ -n "$lines" ]]; then
      printf '%s\n' "$lines"
    elif ((rc != 0)) && grep -qE '^/usr/[^ ]+:[0-9]+:[0-9]+: (error|warning):' <<<"$out"; then
      : # every finding is inside a system header (see above): not ours, and clean for us
    elif ((rc != 0)); then
      printf '%s: clang-tidy failed (exit %d): %s\n' "$file" "$rc" "$(tail -n 3 <<<"$out" | tr '\n' ' ')"
    fi
  }
  export -f tidy_one
  export CLANG_TIDY BUILD_DIR
  # shellcheck disable=SC2016 # $1 is for the inner bash
  tidy_out=$(lines "${tidy_files[@]}" | xargs -r -P "$LINT_JOBS" -n 1 bash -c 'tidy_one "$1"' _)
  # A header's finding shows up once per file that includes it.
  report < <(sort -u <<<"$tidy_out")
fi

# --- 3. house bans ---------------------------------------------------------------------------
# code_of FILE...: "FILE:LINE:code" for every line, with comments, string and character
# literals (raw strings too) blanked, so bans match code only.
code_of() {
  awk '
    FNR == 1 { state = 0 }
    {
      line = $0; out = ""; i = 1; n = length(line)
      while (i <= n) {
        if (state == 1) {  # inside /* */
          j = index(substr(line, i), "*/")
          if (j == 0) { i = n + 1 } else { i += j + 1; state = 0 }
          continue
        }
        if (state == 2) {  # inside R"delim( )delim"
          j = index(substr(line, i), rawend)
          if (j == 0) { i = n + 1 } else { i += j + length(rawend) - 1; state = 0; out = out "\"\"" }
          continue
        }
        c = substr(line, i, 1); two = substr(line, i, 2)
        if (two == "//") break
        if (two == "/*") { state = 1; i += 2; continue }
        prev = i > 1 ? substr(line, i - 1, 1) : ""
        if (c == "R" && substr(line, i + 1, 1) == "\"" && prev !~ /[A-Za-z0-9_]/) {
          k = index(substr(line, i + 2), "(")
          if (k > 0) { rawend = ")" substr(line, i + 2, k - 1) "\""; state = 2; i += 2 + k; continue }
        }
        if (c == "\"" || (c == "\047" && prev !~ /[0-9]/)) {
          q = c; i++
          while (i <= n) {
            d = substr(line, i, 1)
            if (d == "\\") { i += 2; continue }
            if (d == q) break
            i++
          }
          i++; out = out q q; continue
        }
        out = out c; i++
      }
      print FILENAME ":" FNR ":" out
    }' "$@"
}

# ban MESSAGE ERE EXCLUDE_ERE -- FILE...: one problem per code line matching ERE and not
# EXCLUDE_ERE (empty: none).
ban() {
  local message=$1 pattern=$2 exclude=$3
  shift 4
  (($# == 0)) && return 0
  report < <(code_of "$@" | grep -E "^[^:]+:[0-9]+:.*$pattern" |
    if [[ -n "$exclude" ]]; then grep -Ev "^[^:]+:[0-9]+:.*$exclude"; else cat; fi |
    while IFS=: read -r file line _; do
      echo "$file:$line: $message: $(sed -n "${line}s/^[[:space:]]*//p" "$file")"
    done)
}

word_start='(^|[^A-Za-z0-9_])'
word_end='([^A-Za-z0-9_]|$)'

allowed_throw=()
if [[ -f "$THROW_ALLOWLIST" ]]; then
  mapfile -t allowed_throw < <(grep -Ev '^[[:space:]]*(#|$)' "$THROW_ALLOWLIST" || true)
fi
mapfile -t src_files < <(filter '^src/')
mapfile -t throw_files < <(lines "${src_files[@]}" |
  grep -vxF -f <(lines "${allowed_throw[@]}" /nonexistent) || true)
mapfile -t sqlite_files < <(filter '^(src|tests)/' | grep -v '^src/store/' || true)
mapfile -t unit_files < <(filter '^tests/unit/')

ban "throw in src/ (return a Status; see $THROW_ALLOWLIST)" \
  "${word_start}throw${word_end}" "" -- "${throw_files[@]}"
ban "sqlite3 outside src/store/ (go through orchd::store)" \
  'sqlite3_|<sqlite3\.h>' "" -- "${sqlite_files[@]}"
ban "raw new in src/ (std::make_unique; a private-constructor factory may wrap at once: std::unique_ptr<T>(new T(...)))" \
  "${word_start}new${word_end}" 'unique_ptr<' -- "${src_files[@]}"
ban "raw delete in src/ (own memory with std::unique_ptr)" \
  "${word_start}delete${word_end}" '=[[:space:]]*delete[[:space:]]*;' -- "${src_files[@]}"
ban "system() (fork and exec through a process helper)" \
  '(^|[^A-Za-z0-9_.>:])(std)?(::)?system[[:space:]]*\(' "" -- "${cxx_files[@]}"
ban "sleep in a unit test (use FakeClock and wait on a condition)" \
  "${word_start}(sleep|usleep|nanosleep|sleep_for|sleep_until)[[:space:]]*\\(" "" -- "${unit_files[@]}"

# --- 4. shellcheck ---------------------------------------------------------------------------
mapfile -t shell_files < <({
  for f in scripts/*.sh .ci/run; do [[ -f "$f" ]] && echo "$f"; done
  find tests -name '*.sh' -type f | sort
} | in_scope)
if ((${#shell_files[@]} > 0)); then
  report < <(shellcheck -x -f gcc "${shell_files[@]}" || true)
fi

if ((problems > 0)); then
  echo "lint: $problems problem(s)" >&2
  exit 1
fi
