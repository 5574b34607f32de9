#!/usr/bin/env bash
# Builds the release binary of orchd for one architecture into dist/, stripped, with its checksum.
#
#   scripts/build-release.sh amd64|arm64|armhf
#
#   amd64  dist/orchd         the host's g++ (the host must be amd64)
#   arm64  dist/orchd-arm64   aarch64-linux-gnu-g++ (cmake/toolchains/aarch64-linux-gnu.cmake)
#   armhf  dist/orchd-armhf   arm-linux-gnueabihf-g++ (cmake/toolchains/arm-linux-gnueabihf.cmake)
#
# Each also writes dist/sha256sum-ARCH.txt, one line "SHA256  FILE" (sha256sum -c reads it).
# Release build type, no sanitizers, tests or benchmarks, in build/rel-ARCH, configured with
# ORCHD_STATIC_DEPS=ON: everything but glibc is linked statically, and the script fails if the
# binary needs any other shared library. It prints the stripped size, the NEEDED libraries, the
# newest glibc symbol version required, and the binary's `version` output (run under qemu-user
# for arm64 and armhf). Runs scripts/deps.sh, and scripts/cross-deps.sh for a cross build.
# ORCHD_JOBS sets ninja's parallelism (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() {
  echo "usage: scripts/build-release.sh amd64|arm64|armhf" >&2
  exit 2
}

(($# == 1)) || usage
arch=$1
case "$arch" in
  amd64) triplet=x86_64-linux-gnu out=orchd toolchain='' qemu=() ;;
  arm64)
    triplet=aarch64-linux-gnu out=orchd-arm64 toolchain=cmake/toolchains/$triplet.cmake
    qemu=(qemu-aarch64-static -L "/usr/$triplet")
    ;;
  armhf)
    triplet=arm-linux-gnueabihf out=orchd-armhf toolchain=cmake/toolchains/$triplet.cmake
    qemu=(qemu-arm-static -L "/usr/$triplet")
    ;;
  *) usage ;;
esac
if [[ $arch == amd64 ]] && [[ "$(dpkg --print-architecture)" != amd64 ]]; then
  echo "build-release.sh: amd64 is built natively, on an amd64 host" >&2
  exit 1
fi

scripts/deps.sh
if [[ -n $toolchain ]]; then
  scripts/cross-deps.sh "$arch"
fi

dir=build/rel-$arch
settings=(
  -DCMAKE_BUILD_TYPE=Release
  -DORCHD_SANITIZE=OFF
  -DORCHD_TESTS=OFF
  -DORCHD_BENCH=OFF
  -DORCHD_STATIC_DEPS=ON
)
# The cache lines those settings give; a directory configured otherwise is configured afresh
# (ORCHD_STATIC_DEPS wants a fresh directory: find_library results are cached).
expected=(
  CMAKE_BUILD_TYPE:STRING=Release
  ORCHD_SANITIZE:BOOL=OFF
  ORCHD_TESTS:BOOL=OFF
  ORCHD_BENCH:BOOL=OFF
  ORCHD_STATIC_DEPS:BOOL=ON
)
if [[ -n $toolchain ]]; then
  settings+=(--toolchain "$PWD/$toolchain")
fi
fresh=false
if [[ ! -f "$dir/build.ninja" ]]; then
  fresh=true
else
  for line in "${expected[@]}"; do
    grep -qxF "$line" "$dir/CMakeCache.txt" || fresh=true
  done
fi
start=$SECONDS
if [[ $fresh == true ]]; then
  echo "build-release.sh: configuring $dir" >&2
  rm -rf "$dir"
  mkdir -p "$dir"
  cmake -S . -B "$dir" -G Ninja "${settings[@]}" >"$dir/configure.log" 2>&1 || {
    cat "$dir/configure.log" >&2
    exit 1
  }
fi
ninja -C "$dir" -j "${ORCHD_JOBS:-2}" orchd |
  { grep --line-buffered -v -e '^ninja: Entering directory' -e '^ninja: no work to do\.$' || true; }
echo "build-release.sh: $arch built in $((SECONDS - start)) s" >&2

strip=$(sed -n 's/^CMAKE_STRIP:FILEPATH=//p' "$dir/CMakeCache.txt")
[[ -n $strip ]] || strip=$(command -v strip)
mkdir -p dist
rm -f "dist/$out"
"$strip" --strip-all -o "dist/$out" "$dir/orchd"
(cd dist && sha256sum "$out" >"sha256sum-$arch.txt")

# Only glibc may be dynamic: libc, libm, the loader, and the stubs libpthread, libdl and librt.
mapfile -t needed < <(readelf -d "dist/$out" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
bad=()
for lib in "${needed[@]}"; do
  case "$lib" in
    libc.so.6 | libm.so.6 | libpthread.so.0 | libdl.so.2 | librt.so.1 | ld-linux*.so.*) ;;
    *) bad+=("$lib") ;;
  esac
done
glibc=$(readelf -W --dyn-syms "dist/$out" | grep -o 'GLIBC_[0-9.]*' | sort -uV | tail -n 1)

echo "dist/$out: $(stat -c %s "dist/$out") bytes stripped ($(du -h "dist/$out" | cut -f1))"
echo "  NEEDED: ${needed[*]}"
echo "  newest glibc symbol version: ${glibc:-none}"
echo "  sha256: $(cat "dist/sha256sum-$arch.txt")"
if ((${#bad[@]} > 0)); then
  echo "build-release.sh: dist/$out needs shared libraries besides glibc: ${bad[*]};" \
    "removed it" >&2
  rm -f "dist/$out" "dist/sha256sum-$arch.txt"
  exit 1
fi
if ! version=$("${qemu[@]}" "dist/$out" version 2>&1); then
  echo "build-release.sh: dist/$out version failed: $version" >&2
  exit 1
fi
echo "  ${qemu[*]}${qemu:+ }dist/$out version:"
while IFS= read -r line; do
  echo "    $line"
done <<<"$version"
