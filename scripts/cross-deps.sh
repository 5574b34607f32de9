#!/usr/bin/env bash
# Installs what cross builds for arm64 and armhf need and unpacks each target's libraries into a
# sysroot that cmake/toolchains/*.cmake read.
#
#   scripts/cross-deps.sh [arm64|armhf]...      (default: both)
#
# On the host: Debian's cross compilers (crossbuild-essential-ARCH, whose C library lands in
# /usr/TRIPLET) and qemu-user-static (target binaries run as QEMU_LD_PREFIX=/usr/TRIPLET
# qemu-aarch64-static BINARY, or qemu-arm-static; binfmt_misc is not needed).
#
# build/sysroot-ARCH: the target's -dev packages (headers, static .a, pkg-config and CMake files;
# Boost, RapidJSON and Catch2 too, so that nothing of the host's /usr/include leaks into a cross
# build) and their library packages. They are fetched with `apt-get download` into
# build/cross-cache/ARCH and unpacked with `dpkg -x`, not installed through multiarch: multiarch
# needs every Multi-Arch: same package at one version for all architectures, which the mirror
# does not always offer (host libssl3 older than the arm64 index's), and it would change the
# host's own packages. A sysroot is unpacked once and reused while its package list is the same;
# remove build/sysroot-ARCH (and build/cross-cache/ARCH for fresh .debs) to refresh it.
#
# Idempotent and quiet when all is there. Needs root (or sudo) only to install host packages.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The target's packages, unpacked into the sysroot. A new library is one more line here.
TARGET_PACKAGES=(
  libsqlite3-dev libsqlite3-0
  libssl-dev libssl3
  libfmt-dev libfmt9
  libyaml-dev libyaml-0-2
  libboost1.81-dev  # header-only use (Asio, Beast); its CMake files are per architecture
  catch2            # header-only (Catch2 v2); the unit tests only
)
# Architecture-independent packages (Architecture: all), unpacked into every sysroot.
ALL_PACKAGES=(
  rapidjson-dev
)

usage() {
  echo "usage: scripts/cross-deps.sh [arm64|armhf]..." >&2
  exit 2
}

archs=("$@")
if ((${#archs[@]} == 0)); then
  archs=(arm64 armhf)
fi
for arch in "${archs[@]}"; do
  case "$arch" in
    arm64 | armhf) ;;
    *) usage ;;
  esac
done

sudo=()
if ((EUID != 0)) && command -v sudo >/dev/null; then
  sudo=(sudo)
fi
export DEBIAN_FRONTEND=noninteractive

# The mirror can fail one index at a time ("Mirror sync in progress?"); what matters is whether
# the packages are there afterwards, which the install or download itself tells.
apt_update() {
  "${sudo[@]}" apt-get -qq update >/dev/null 2>&1 || echo "cross-deps.sh: apt-get update failed on" \
    "some index (mirror sync?); going on with the lists there are" >&2
}
updated=false
apt_update_once() {
  if [[ $updated == false ]]; then
    apt_update
    updated=true
  fi
}

# --- host packages ---------------------------------------------------------------------------
missing=()
want=(qemu-user-static)
for arch in "${archs[@]}"; do
  want+=("crossbuild-essential-$arch")
done
for pkg in "${want[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
  if [[ "$status" != installed ]]; then
    missing+=("$pkg")
  fi
done
foreign=$(dpkg --print-foreign-architectures)
for arch in "${archs[@]}"; do
  if ! grep -qx "$arch" <<<"$foreign"; then
    if ((EUID != 0)) && ((${#sudo[@]} == 0)); then
      echo "cross-deps.sh: run as root: dpkg --add-architecture $arch" >&2
      exit 1
    fi
    echo "cross-deps.sh: dpkg --add-architecture $arch" >&2
    "${sudo[@]}" dpkg --add-architecture "$arch"
    updated=false
    apt_update_once
  fi
done
if ((${#missing[@]} > 0)); then
  if ((EUID != 0)) && ((${#sudo[@]} == 0)); then
    echo "cross-deps.sh: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
  echo "cross-deps.sh: installing ${missing[*]}" >&2
  apt_update_once
  if ! "${sudo[@]}" apt-get -qq install -y --no-install-recommends "${missing[@]}" >/dev/null; then
    echo "cross-deps.sh: apt-get install ${missing[*]} failed" >&2
    exit 1
  fi
fi

# --- sysroots --------------------------------------------------------------------------------
# fetch DIR PKG...: each PKG's .deb in DIR, downloaded unless one is there already.
fetch() {
  local dir=$1
  shift
  mkdir -p "$dir"
  local need=() pkg
  for pkg in "$@"; do
    # PKG may be NAME:ARCH; its file is NAME_VERSION_ARCH.deb.
    if ! compgen -G "$dir/${pkg%%:*}_*.deb" >/dev/null; then
      need+=("$pkg")
    fi
  done
  if ((${#need[@]} == 0)); then
    return 0
  fi
  echo "cross-deps.sh: downloading ${need[*]}" >&2
  # As root, apt's download sandbox user (_apt) cannot write here: download as root, quietly.
  local dl=(apt-get -qq -o APT::Sandbox::User=root download "${need[@]}")
  if ! (cd "$dir" && "${dl[@]}" >/dev/null 2>&1); then
    apt_update_once
    if ! (cd "$dir" && "${dl[@]}" >/dev/null); then
      echo "cross-deps.sh: cannot download ${need[*]} (is the architecture's index there?" \
        "see apt-get update)" >&2
      exit 1
    fi
  fi
}

for arch in "${archs[@]}"; do
  sysroot=build/sysroot-$arch
  stamp=$sysroot/.orchd-sysroot
  wanted=$(printf '%s\n' "${TARGET_PACKAGES[@]/%/:$arch}" "${ALL_PACKAGES[@]}")
  if [[ -f "$stamp" ]] && [[ "$(cut -d' ' -f1 "$stamp")" == "$wanted" ]]; then
    continue
  fi
  cache=build/cross-cache/$arch
  fetch "$cache" "${TARGET_PACKAGES[@]/%/:$arch}"
  fetch build/cross-cache/all "${ALL_PACKAGES[@]}"

  echo "cross-deps.sh: unpacking $sysroot" >&2
  tmp=$sysroot.tmp
  rm -rf "$tmp"
  mkdir -p "$tmp"
  : >"$tmp/.orchd-sysroot"
  for pkg in "${TARGET_PACKAGES[@]/%/:$arch}" "${ALL_PACKAGES[@]}"; do
    name=${pkg%%:*}
    if [[ "$pkg" == *:* ]]; then
      dir=$cache
    else
      dir=build/cross-cache/all
    fi
    debs=("$dir/${name}"_*.deb)
    deb=${debs[-1]}
    dpkg -x "$deb" "$tmp"
    echo "$pkg $(basename "$deb")" >>"$tmp/.orchd-sysroot"
  done
  rm -rf "$sysroot"
  mv "$tmp" "$sysroot"
done

for arch in "${archs[@]}"; do
  case "$arch" in
    arm64) qemu=qemu-aarch64-static triplet=aarch64-linux-gnu ;;
    armhf) qemu=qemu-arm-static triplet=arm-linux-gnueabihf ;;
  esac
  for tool in "$qemu" "$triplet-g++"; do
    if ! command -v "$tool" >/dev/null; then
      echo "cross-deps.sh: $tool is missing after the install" >&2
      exit 1
    fi
  done
done
