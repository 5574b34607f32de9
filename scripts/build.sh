#!/usr/bin/env bash
# Configures (once) and builds orchd with CMake and Ninja.
#
#   scripts/build.sh [debug|release|all] [ninja targets...]
#
#   debug    build/debug: Debug, ASan + UBSan; the build the tests run in
#   release  build/release: Release, no sanitizers; the binary you run and the benchmarks
#   all      both (the default)
#
# Targets, when given, limit the build (e.g. `scripts/build.sh release orchd`). Run
# scripts/deps.sh first. ccache is used when installed (CMakeLists.txt finds it). Quiet when
# there is nothing to do.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  echo "usage: scripts/build.sh [debug|release|all] [ninja targets...]" >&2
  exit 2
}

# build_one DIR BUILD_TYPE SANITIZE [targets...]
build_one() {
  local dir=$1 type=$2 sanitize=$3
  shift 3
  local cache="$dir/CMakeCache.txt"
  if [[ ! -f "$dir/build.ninja" ]] ||
    ! grep -qx "CMAKE_BUILD_TYPE:STRING=$type" "$cache" ||
    ! grep -qx "ORCHD_SANITIZE:BOOL=$sanitize" "$cache"; then
    if [[ -f "$cache" ]] && ! grep -qx "CMAKE_GENERATOR:INTERNAL=Ninja" "$cache"; then
      echo "build.sh: $dir was configured with another generator; remove it and rerun" >&2
      return 1
    fi
    echo "build.sh: configuring $dir ($type, sanitizers $sanitize)" >&2
    mkdir -p "$dir"
    cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE="$type" -DORCHD_SANITIZE="$sanitize" \
      >"$dir/configure.log" 2>&1 || {
      cat "$dir/configure.log" >&2
      return 1
    }
  fi
  # Ninja's chatter when nothing is to be done is dropped; build lines and errors stay.
  ninja -C "$dir" "$@" | { grep --line-buffered -v -e '^ninja: Entering directory' -e '^ninja: no work to do\.$' || true; }
}

mode=${1:-all}
if (($# > 0)); then
  shift
fi
case "$mode" in
  debug) build_one build/debug Debug ON "$@" ;;
  release) build_one build/release Release OFF "$@" ;;
  all)
    build_one build/debug Debug ON "$@"
    build_one build/release Release OFF "$@"
    ;;
  *) usage ;;
esac
