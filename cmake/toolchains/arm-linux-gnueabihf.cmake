# Cross compiling orchd for 32-bit ARM with Debian's cross compiler. Debian armhf is ARMv7 with
# VFPv3-D16, hard float: a Raspberry Pi 2, 3, 4 or 5 with a 32-bit OS (the ARMv6 Pi 1 and Pi Zero
# are not armhf targets).
#
#   scripts/cross-deps.sh armhf
#   cmake -S . -B build/x -G Ninja --toolchain cmake/toolchains/arm-linux-gnueabihf.cmake
#
# The C library and libstdc++ come with the compiler (crossbuild-essential-armhf, in
# /usr/arm-linux-gnueabihf and /usr/lib/gcc-cross); the target's other libraries and headers come
# from the sysroot that scripts/cross-deps.sh unpacks, build/sysroot-armhf (-DORCHD_SYSROOT=DIR
# or the environment variable ORCHD_SYSROOT picks another). scripts/build-release.sh and
# scripts/cross-test.sh use this file. cmake/toolchains/aarch64-linux-gnu.cmake is its twin;
# what they share is in debian-cross.cmake.
set(ORCHD_TRIPLET arm-linux-gnueabihf)
set(ORCHD_DEBIAN_ARCH armhf)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(ORCHD_QEMU qemu-arm-static)
# -Wno-psabi: no notes that the passing of some arguments "changed in GCC 7.1" (ABI compatibility
# with code built by GCC 6 and older; all of orchd is built by one compiler).
set(ORCHD_EXTRA_CXX_FLAGS -Wno-psabi)
include(${CMAKE_CURRENT_LIST_DIR}/debian-cross.cmake)
