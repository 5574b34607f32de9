#!/usr/bin/env bash
# Sets up and runs every test: Debian packages, the Debug build with ASan and UBSan
# (build/debug), the amd64 release binary (dist/orchd, which the install tests put in a Debian
# chroot), every CTest test (unit, integration, install, and the `bench`-labelled smoke runs),
# scripts/lint.sh, then the unit tests and the orchd binary for arm64 and armhf under qemu
# (scripts/cross-test.sh). Exits non-zero if anything fails; runs lint even when a test failed.
#
#   scripts/test.sh
#
# ORCHD_CROSS_TESTS: `auto` (default) runs the ARM tests when less than
# ORCHD_CROSS_BUDGET_MIN minutes (default 30) have passed, so that a cold run on 2 cores stays
# within an hour, and says so when it skips them; `always` or `never`.
#
# One test binary alone: ctest --test-dir build/debug -R store_test --output-on-failure
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS
# ccache keys on paths relative to the checkout, so another clone (CI's) reuses the cache.
export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$PWD}
scripts/deps.sh
scripts/node-deps.sh
scripts/build.sh debug
scripts/build-release.sh amd64

# Sanitizer reports name the line; a UBSan finding fails the test (-fno-sanitize-recover).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-strict_string_checks=1:detect_stack_use_after_return=1}

failed=()
ctest --test-dir build/debug -j2 --output-on-failure --timeout 900 || failed+=(ctest)
scripts/lint.sh || failed+=(lint)

cross=${ORCHD_CROSS_TESTS:-auto}
elapsed_min=$(((SECONDS - started) / 60))
if [[ $cross == always || ($cross == auto && elapsed_min -lt ${ORCHD_CROSS_BUDGET_MIN:-30}) ]]; then
  for arch in arm64 armhf; do
    scripts/cross-test.sh "$arch" || failed+=("cross-test $arch")
  done
elif [[ $cross != never ]]; then
  echo "test.sh: SKIPPED the arm64 and armhf tests under qemu: $elapsed_min minutes have passed" \
    "(budget ${ORCHD_CROSS_BUDGET_MIN:-30}); run scripts/cross-test.sh arm64|armhf" >&2
fi

if ((${#failed[@]} > 0)); then
  echo "test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
