# What both cross toolchain files share: Debian's cross compiler for ORCHD_TRIPLET, the sysroot
# that scripts/cross-deps.sh unpacks for ORCHD_DEBIAN_ARCH, qemu (ORCHD_QEMU) to run what is built.
# Included by aarch64-linux-gnu.cmake and arm-linux-gnueabihf.cmake, which set those variables
# (and CMAKE_SYSTEM_PROCESSOR, ORCHD_EXTRA_CXX_FLAGS) first.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_CROSSCOMPILING_EMULATOR ${ORCHD_QEMU} -L /usr/${ORCHD_TRIPLET})

set(CMAKE_C_COMPILER ${ORCHD_TRIPLET}-gcc)
set(CMAKE_CXX_COMPILER ${ORCHD_TRIPLET}-g++)
# Debian's multiarch library directory (lib/TRIPLET), which CMake cannot infer from a cross
# compiler's own directories.
set(CMAKE_LIBRARY_ARCHITECTURE ${ORCHD_TRIPLET})

if(NOT ORCHD_SYSROOT)
  if(DEFINED ENV{ORCHD_SYSROOT})
    set(ORCHD_SYSROOT "$ENV{ORCHD_SYSROOT}")
  else()
    get_filename_component(ORCHD_SYSROOT
                           "${CMAKE_CURRENT_LIST_DIR}/../../build/sysroot-${ORCHD_DEBIAN_ARCH}"
                           ABSOLUTE)
  endif()
endif()
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES ORCHD_SYSROOT)
if(NOT EXISTS "${ORCHD_SYSROOT}/usr/include")
  message(FATAL_ERROR
          "No sysroot at ${ORCHD_SYSROOT}: run scripts/cross-deps.sh ${ORCHD_DEBIAN_ARCH}")
endif()

# find_* look in the sysroot and the compiler's target directory only, never in the host's /usr.
set(CMAKE_FIND_ROOT_PATH "${ORCHD_SYSROOT}" /usr/${ORCHD_TRIPLET})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

# The sysroot's headers are system headers (no warnings from Boost and co under -Werror), searched
# before the compiler's own target directory; its libraries resolve the .so files' dependencies.
set(_orchd_inc "-isystem ${ORCHD_SYSROOT}/usr/include/${ORCHD_TRIPLET}")
string(APPEND _orchd_inc " -isystem ${ORCHD_SYSROOT}/usr/include")
set(_orchd_lib "${ORCHD_SYSROOT}/usr/lib/${ORCHD_TRIPLET}")
set(CMAKE_C_FLAGS_INIT "${_orchd_inc}")
set(CMAKE_CXX_FLAGS_INIT "${_orchd_inc} ${ORCHD_EXTRA_CXX_FLAGS}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-L${_orchd_lib} -Wl,-rpath-link,${_orchd_lib}")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-L${_orchd_lib} -Wl,-rpath-link,${_orchd_lib}")

# pkg-config (sqlite3, yaml-0.1) reads the target's .pc files and prefixes their paths.
set(ENV{PKG_CONFIG_LIBDIR} "${_orchd_lib}/pkgconfig:${ORCHD_SYSROOT}/usr/share/pkgconfig")
set(ENV{PKG_CONFIG_SYSROOT_DIR} "${ORCHD_SYSROOT}")
set(ENV{PKG_CONFIG_PATH} "")
