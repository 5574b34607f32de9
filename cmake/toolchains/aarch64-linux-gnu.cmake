# Cross compiling orchd for 64-bit ARM with Debian's cross compiler. Debian arm64 is ARMv8-A: a
# Raspberry Pi 3, 4 or 5 (or Zero 2) with a 64-bit OS, and ARM servers.
#
#   scripts/cross-deps.sh arm64
#   cmake -S . -B build/x -G Ninja --toolchain cmake/toolchains/aarch64-linux-gnu.cmake
#
# The C library and libstdc++ come with the compiler (crossbuild-essential-arm64, in
# /usr/aarch64-linux-gnu and /usr/lib/gcc-cross); the target's other libraries and headers come
# from the sysroot that scripts/cross-deps.sh unpacks, build/sysroot-arm64 (-DORCHD_SYSROOT=DIR
# or the environment variable ORCHD_SYSROOT picks another). scripts/build-release.sh and
# scripts/cross-test.sh use this file. cmake/toolchains/arm-linux-gnueabihf.cmake is its twin;
# what they share is in debian-cross.cmake.
set(ORCHD_TRIPLET aarch64-linux-gnu)
set(ORCHD_DEBIAN_ARCH arm64)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(ORCHD_QEMU qemu-aarch64-static)
set(ORCHD_EXTRA_CXX_FLAGS "")
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
