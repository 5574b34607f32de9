#!/usr/bin/env bash
# Builds the unit test binaries for arm64 or armhf and runs each under qemu-user.
#
#   scripts/cross-test.sh arm64|armhf [test binary...]
#
# The binaries (common_test, store_test, api_test, server_test, agent_test: those that exist, or
# the ones named) are built in build/cross-test-ARCH with the architecture's toolchain file,
# Release, no sanitizers, linked like the release binary (ORCHD_STATIC_DEPS: only glibc is
# dynamic, and it comes from the cross compiler's /usr/TRIPLET). Each runs as
# `qemu-ARCH-static -L /usr/TRIPLET BINARY` in a temporary directory of its own (also its
# TMPDIR), with its output in build/cross-test-ARCH/logs/NAME.log, printed when it fails.
# Then the orchd binary of the same build runs under qemu: `orchd version` must name the
# architecture, and `orchd server` (loopback, a free port, a temporary data dir) must answer
# /version over HTTPS with platform linux/arm64 or linux/arm.
# Exits non-zero when any binary fails to build or a test fails. Runs scripts/cross-deps.sh.
# ORCHD_JOBS sets ninja's parallelism (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  echo "usage: scripts/cross-test.sh arm64|armhf [test binary...]" >&2
  exit 2
}

(($# >= 1)) || usage
arch=$1
shift
case "$arch" in
  arm64) triplet=aarch64-linux-gnu qemu=qemu-aarch64-static platform=linux/arm64 ;;
  armhf) triplet=arm-linux-gnueabihf qemu=qemu-arm-static platform=linux/arm ;;
  *) usage ;;
esac

scripts/deps.sh
scripts/cross-deps.sh "$arch"

dir=build/cross-test-$arch
if [[ ! -f "$dir/build.ninja" ]]; then
  echo "cross-test.sh: configuring $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja --toolchain "$PWD/cmake/toolchains/$triplet.cmake" \
    -DCMAKE_BUILD_TYPE=Release -DORCHD_SANITIZE=OFF -DORCHD_TESTS=ON -DORCHD_BENCH=OFF \
    -DORCHD_STATIC_DEPS=ON >"$dir/configure.log" 2>&1 || {
    cat "$dir/configure.log" >&2
    exit 1
  }
fi

tests=("$@")
if ((${#tests[@]} == 0)); then
  # Re-run cmake's glob check first, so that a test folder that appeared since is seen.
  ninja -C "$dir" build.ninja >/dev/null
  for name in common_test store_test api_test server_test agent_test; do
    if ninja -C "$dir" -t query "$name" >/dev/null 2>&1; then
      tests+=("$name")
    fi
  done
fi

start=$SECONDS
ninja -C "$dir" -j "${ORCHD_JOBS:-2}" "${tests[@]}" orchd |
  { grep --line-buffered -v -e '^ninja: Entering directory' -e '^ninja: no work to do\.$' || true; }
echo "cross-test.sh: built ${tests[*]} for $arch in $((SECONDS - start)) s" >&2

mkdir -p "$dir/logs"
passed=0
failed=0
failures=()
for name in "${tests[@]}"; do
  bin=$(find "$PWD/$dir/tests" -type f -name "$name" -perm -u+x | head -n 1)
  if [[ -z $bin ]]; then
    echo "cross-test.sh: $name was not built" >&2
    failed=$((failed + 1))
    failures+=("$name")
    continue
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/orchd-cross-test.XXXXXX")
  log=$PWD/$dir/logs/$name.log
  t0=$SECONDS
  if (cd "$work" && TMPDIR=$work "$qemu" -L "/usr/$triplet" "$bin") >"$log" 2>&1; then
    result=passed
    passed=$((passed + 1))
  else
    result=FAILED
    failed=$((failed + 1))
    failures+=("$name")
  fi
  rm -rf "$work"
  # Catch2's closing line: "All tests passed (N assertions in M test cases)" or the counts.
  summary=$(grep -E '^(All tests passed|test cases:)' "$log" | tail -n 1 || true)
  echo "cross-test.sh: $arch $name $result in $((SECONDS - t0)) s: ${summary:-no summary}"
  if [[ $result == FAILED ]]; then
    tail -n 60 "$log" | sed "s/^/  $name: /"
  fi
done

# orchd itself under qemu: version, then a server answering /version.
smoke() {
  local work out pid port="" i
  out=$("$qemu" -L "/usr/$triplet" "$dir/orchd" version) || return 1
  grep -qx "platform: $platform" <<<"$out" || {
    echo "orchd version: no 'platform: $platform' line in: $out" >&2
    return 1
  }
  work=$(mktemp -d "${TMPDIR:-/tmp}/orchd-cross-server.XXXXXX")
  "$qemu" -L "/usr/$triplet" "$dir/orchd" server --data-dir "$work/data" --bind-address 127.0.0.1 \
    --https-listen-port 0 --write-kubeconfig "$work/kubeconfig" --disable-agent 2>"$work/log" &
  pid=$!
  for ((i = 0; i < 120; i++)); do
    port=$(grep -oE 'ready: https://127\.0\.0\.1:[0-9]+' "$work/log" | grep -oE '[0-9]+$' || true)
    [[ -n $port ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  local ok=1
  if [[ -n $port ]] &&
    curl -sk --max-time 20 "https://127.0.0.1:$port/version" | grep -q "\"platform\": *\"$platform\""; then
    ok=0
  else
    echo "orchd server under $qemu did not answer /version with $platform; its log:" >&2
    tail -n 20 "$work/log" >&2
  fi
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
  return "$ok"
}
t0=$SECONDS
if smoke; then
  passed=$((passed + 1))
  echo "cross-test.sh: $arch orchd version and server /version passed in $((SECONDS - t0)) s"
else
  failed=$((failed + 1))
  failures+=(orchd)
fi

echo "cross-test $arch: $passed passed, $failed failed"
if ((failed > 0)); then
  echo "cross-test.sh: failed under $qemu: ${failures[*]} (logs in $dir/logs)" >&2
  exit 1
fi
