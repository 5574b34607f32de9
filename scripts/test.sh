#!/usr/bin/env bash
# Sets up and runs every test: Debian packages, the Debug build with ASan and UBSan
# (build/debug), every CTest test (unit, integration, and the `bench`-labelled smoke runs), then
# scripts/lint.sh. Exits non-zero if anything fails; runs lint even when a test failed.
#
#   scripts/test.sh
#
# One test binary alone: ctest --test-dir build/debug -R store_test --output-on-failure
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/deps.sh
scripts/node-deps.sh
scripts/build.sh debug

# Sanitizer reports name the line; a UBSan finding fails the test (-fno-sanitize-recover).
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1}
export ASAN_OPTIONS=${ASAN_OPTIONS:-strict_string_checks=1:detect_stack_use_after_return=1}

failed=()
ctest --test-dir build/debug -j2 --output-on-failure --timeout 900 || failed+=(ctest)
scripts/lint.sh || failed+=(lint)

if ((${#failed[@]} > 0)); then
  echo "test.sh: FAILED: ${failed[*]}" >&2
  exit 1
fi
