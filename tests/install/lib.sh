# shellcheck shell=bash disable=SC2034 # RUN_STATUS is read by the tests
# Shared by the install tests (sourced): checks that count failures, skipping, throwaway
# directories removed on exit (after unmounting anything left mounted below them), tree
# snapshots, and running scripts/install.sh with a clean environment.

TEST_NAME=$(basename "$0" .sh)
CHECKS=0
FAILURES=0
CLEANUP_DIRS=()
CLEANUP_CMDS=()

log() { echo "$TEST_NAME: $*"; }
fail() {
  echo "FAIL: $TEST_NAME: $*" >&2
  FAILURES=$((FAILURES + 1))
}
# check DESCRIPTION COMMAND...: runs COMMAND; a non-zero status is a failure.
check() {
  local what=$1
  shift
  CHECKS=$((CHECKS + 1))
  if ! "$@"; then
    fail "$what"
  fi
}
# check_eq DESCRIPTION EXPECTED ACTUAL
check_eq() {
  CHECKS=$((CHECKS + 1))
  if [[ "$2" == "$3" ]]; then
    return 0
  fi
  if [[ "$2$3" == *$'\n'* ]]; then
    fail "$1: differs (< expected, > actual):"
    diff <(echo "$2") <(echo "$3") | head -n 20 >&2 || true
  else
    fail "$1: expected [$2], got [$3]"
  fi
}
# check_not_in DESCRIPTION ERE FILE: no line of FILE matches ERE.
check_not_in() {
  CHECKS=$((CHECKS + 1))
  if grep -qE -- "$2" "$3" 2>/dev/null; then
    fail "$1: $(grep -m 1 -E -- "$2" "$3")"
  fi
}
# skip REASON: the test passes without running (exit 0), saying why.
skip() {
  echo "SKIP: $TEST_NAME: $*"
  exit 0
}
need_root() {
  ((EUID == 0)) || skip "needs root"
}
need_tool() {
  command -v "$1" >/dev/null 2>&1 || skip "needs $1 (not installed)"
}
# finish: the verdict line and exit status.
finish() {
  if ((FAILURES > 0)); then
    echo "$TEST_NAME: $FAILURES of $CHECKS checks failed"
    exit 1
  fi
  echo "$TEST_NAME: all $CHECKS checks passed"
  exit 0
}

# unmount_below DIR: unmounts (lazily if busy) every mount point at or below DIR, deepest first.
unmount_below() {
  local dir=$1 mount_point
  awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r mount_point; do
      umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null || true
    done
}

cleanup_all() {
  local status=$? dir i
  set +e
  for ((i = ${#CLEANUP_CMDS[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUP_CMDS[i]}"
  done
  for dir in "${CLEANUP_DIRS[@]}"; do
    [[ -d "$dir" ]] || continue
    unmount_below "$dir"
    if awk -v d="$dir" '$2 == d || index($2, d "/") == 1 { f = 1 } END { exit !f }' \
      /proc/self/mounts; then
      echo "$TEST_NAME: leaving $dir: something is still mounted below it" >&2
      continue
    fi
    rm -rf --one-file-system "$dir"
  done
  exit "$status"
}
trap cleanup_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# on_exit COMMAND: runs COMMAND (a string) at exit, before the directories are removed.
on_exit() { CLEANUP_CMDS+=("$1"); }

# new_dir VAR WHAT: sets VAR to a fresh directory under /tmp (named after the test, WHAT and
# this PID), removed at exit. (Not in a $(...): the list of directories to remove is kept in
# this shell.)
new_dir() {
  local dir
  dir=$(mktemp -d "/tmp/orchd-$TEST_NAME-$2.$$.XXXXXX")
  CLEANUP_DIRS+=("$dir")
  printf -v "$1" '%s' "$dir"
}

# snapshot DIR [strict]: one line per path below DIR: path, type and mode, link target, and the
# SHA-256 of regular files; `strict` adds size and mtime (for "a second run changes nothing").
snapshot() {
  local dir=$1 format='%P|%M|%l'
  [[ "${2:-}" == strict ]] && format='%P|%M|%l|%s|%T@'
  (
    cd "$dir" || exit 1
    find . -mindepth 1 -printf "$format|%y\n" | while IFS= read -r line; do
      if [[ "${line##*|}" == f ]]; then
        local path=${line%%|*} hash
        hash=$(sha256sum <"$path")
        echo "${line%|f}|${hash%% *}"
      else
        echo "${line%|?}"
      fi
    done
  ) | LC_ALL=C sort
}

# run_install OUT_PREFIX [VAR=VALUE]... [-- ARG...]: runs INSTALL_SH with only PATH, HOME and the
# given variables in its environment; stdout in OUT_PREFIX.out, stderr in OUT_PREFIX.err, the
# exit status in RUN_STATUS.
run_install() {
  local prefix=$1
  shift
  local vars=()
  while (($# > 0)) && [[ "$1" != -- ]]; do
    vars+=("$1")
    shift
  done
  (($# > 0)) && shift
  RUN_STATUS=0
  env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root \
    "${vars[@]}" sh "$INSTALL_SH" "$@" >"$prefix.out" 2>"$prefix.err" || RUN_STATUS=$?
}

# show FILE...: prints files (for a failure's context).
show() {
  local f
  for f in "$@"; do
    echo "----- $f" >&2
    cat "$f" >&2 2>/dev/null || true
  done
}
