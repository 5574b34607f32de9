#!/usr/bin/env bash
# shellcheck disable=SC2317 # in_root and listing are called through step
# scripts/install.sh on a fresh Debian 12 system: a chroot made by debootstrap (variant minbase,
# from http://deb.debian.org/debian; cached as a tarball in /var/cache/orchd-tests/, keyed by
# suite, variant and architecture, and made again only when missing), unpacked into a new
# directory per run. Inside it, with the release binary (dist/orchd, built with
# `scripts/build-release.sh amd64` when missing; it must need nothing but glibc):
#   * the installer (INSTALL_ORCHD_SKIP_START=true, INSTALL_ORCHD_INIT=systemd: minbase has no
#     init system) installs runc, iptables, ca-certificates ... with apt-get and writes its files;
#   * a second run installs no package and changes no file;
#   * `orchd version` runs, `orchd check-config` prints its checks (cgroups, runc ...; its exit
#     status is not asserted: a chroot lacks things a host has);
#   * orchd-uninstall.sh (run with its own network, PID and mount namespaces, so that killall
#     cannot reach the host's processes, interfaces or rules) removes every orchd file.
# Every mount (proc, sys, cgroups, dev, apt caches) is made in a private mount namespace: it
# disappears with it, even when the test is killed. The apt package and list caches are kept in
# /var/cache/orchd-tests/ too, so a cached run downloads little.
#
#   install_chroot_test.sh INSTALL_SH SOURCE_DIR     (root and debootstrap; skipped otherwise)
#
# ORCHD_RELEASE_BINARY overrides the binary (it must still need only glibc).
set -euo pipefail

SUITE=bookworm
VARIANT=minbase
MIRROR=http://deb.debian.org/debian
CACHE=/var/cache/orchd-tests
PACKAGES=(runc iptables ca-certificates iproute2 kmod)

# --- inside the private mount namespace: mount, run everything in the chroot, record results --
if [[ "${1:-}" == --inner ]]; then
  root=$2
  work=$3
  apt_cache=$4
  # step NAME COMMAND...: runs COMMAND; NAME.out, NAME.err, NAME.status, NAME.ms in work.
  step() {
    local name=$1 start status=0
    shift
    start=$(date +%s%N)
    "$@" >"$work/$name.out" 2>"$work/$name.err" </dev/null || status=$?
    echo "$status" >"$work/$name.status"
    echo $((($(date +%s%N) - start) / 1000000)) >"$work/$name.ms"
  }
  in_root() {
    chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
      PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
  }
  listing() {
    (
      cd "$root"
      find usr/local/bin etc/systemd etc/orchd var/lib/orchd -printf '%p|%M|%s|%T@|%l\n' \
        2>/dev/null || true
    ) | LC_ALL=C sort
  }
  mount -t proc proc "$root/proc"
  mount -t sysfs -o ro sysfs "$root/sys"
  mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
  mount --bind /dev "$root/dev"
  mkdir -p "$apt_cache/archives/partial" "$apt_cache/lists/partial"
  # apt downloads as the chroot's _apt user.
  apt_uid=$(awk -F: '$1 == "_apt" { print $3 }' "$root/etc/passwd")
  chown -R "${apt_uid:-0}:0" "$apt_cache/archives/partial" "$apt_cache/lists/partial"
  mount --bind "$apt_cache/archives" "$root/var/cache/apt/archives"
  mount --bind "$apt_cache/lists" "$root/var/lib/apt/lists"
  cp /etc/resolv.conf "$root/etc/resolv.conf"

  install_env=(INSTALL_ORCHD_BIN=/root/orchd INSTALL_ORCHD_SKIP_START=true
    INSTALL_ORCHD_INIT=systemd ORCHD_NODE_NAME=chroot-node)
  step install1 in_root "${install_env[@]}" sh /root/install.sh
  listing >"$work/listing1"
  step install2 in_root "${install_env[@]}" sh /root/install.sh
  listing >"$work/listing2"
  # shellcheck disable=SC2016 # for the chroot's sh
  step packages in_root sh -c 'for p in "$@"; do dpkg-query -W -f="\${Package} \${db:Status-Status}\n" "$p"; done' \
    sh "${PACKAGES[@]}"
  step version in_root /usr/local/bin/orchd version
  step check_config in_root /usr/local/bin/orchd check-config
  step uninstall unshare --net --pid --fork --mount-proc="$root/proc" \
    chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    /usr/local/bin/orchd-uninstall.sh
  listing >"$work/listing3"
  # From outside, into the chroot as an INSTALL_ORCHD_ROOT: packages are looked up with chroot
  # (INSTALL_ORCHD_SKIP_DEPS=false asks for that), then the tree's own uninstall script.
  step root_install env -i PATH="$PATH" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_SKIP_DEPS=false \
    INSTALL_ORCHD_BIN="$root/root/orchd" INSTALL_ORCHD_INIT=systemd sh "$root/root/install.sh"
  listing >"$work/listing4"
  step root_uninstall "$root/usr/local/bin/orchd-uninstall.sh"
  exit 0
fi

INSTALL_SH=$(realpath "$1")
SRC=$(realpath "$2")
# shellcheck source=tests/install/lib.sh
source "$(dirname "$0")/lib.sh"
need_root
DEBOOTSTRAP=$(command -v debootstrap || true)
[[ -n "$DEBOOTSTRAP" ]] || DEBOOTSTRAP=/usr/sbin/debootstrap
[[ -x "$DEBOOTSTRAP" ]] || skip "needs debootstrap (apt-get install debootstrap)"
need_tool unshare
need_tool chroot
ARCH=$(dpkg --print-architecture)
[[ "$ARCH" == amd64 ]] || skip "the release binary is built for amd64 hosts only (this is $ARCH)"

WORK='' root='' base='' # set by new_dir
new_dir WORK work
timings=()
elapsed() { echo "$(($(date +%s) - $1))s"; }

# --- the release binary -----------------------------------------------------------------------
binary=${ORCHD_RELEASE_BINARY:-$SRC/dist/orchd}
if [[ ! -x "$binary" ]]; then
  log "no $binary: building it with scripts/build-release.sh amd64"
  start=$(date +%s)
  if ! (cd "$SRC" && scripts/build-release.sh amd64) >"$WORK/build-release.log" 2>&1; then
    tail -n 30 "$WORK/build-release.log" >&2
    fail "scripts/build-release.sh amd64 failed"
    finish
  fi
  timings+=("build-release $(elapsed "$start")")
fi
needed=$(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd ' ')
others=$(tr ' ' '\n' <<<"$needed" |
  grep -v -E '^(libc|libm|libpthread|libdl|librt|ld-linux-x86-64)\.so\.[0-9]+$' || true)
check_eq "release binary needs only glibc (NEEDED: $needed)" "" "$others"

# --- the cached base system -------------------------------------------------------------------
mkdir -p "$CACHE"
tarball=$CACHE/debootstrap-$SUITE-$VARIANT-$ARCH.tar.gz
exec 9>"$CACHE/.lock"
command -v flock >/dev/null 2>&1 && flock 9
if [[ ! -s "$tarball" ]]; then
  log "no $tarball: debootstrap --variant=$VARIANT $SUITE from $MIRROR (once; cached after)"
  start=$(date +%s)
  new_dir base debootstrap
  if ! "$DEBOOTSTRAP" --variant="$VARIANT" "$SUITE" "$base" "$MIRROR" >"$WORK/debootstrap.log" 2>&1; then
    tail -n 20 "$WORK/debootstrap.log" >&2
    fail "debootstrap failed (is $MIRROR reachable?)"
    finish
  fi
  tar -C "$base" --numeric-owner -czf "$tarball.tmp.$$" .
  mv -f "$tarball.tmp.$$" "$tarball"
  rm -rf --one-file-system "$base"
  timings+=("debootstrap $(elapsed "$start")")
fi
exec 9>&-

# --- a fresh chroot ---------------------------------------------------------------------------
start=$(date +%s)
new_dir root root
tar -C "$root" --numeric-owner -xzpf "$tarball"
chmod 755 "$root" # a system's / (mktemp made it 0700; apt's _apt user must get through)
cp "$INSTALL_SH" "$root/root/install.sh"
cp "$binary" "$root/root/orchd"
timings+=("unpack $(elapsed "$start")")

start=$(date +%s)
status=0
unshare --mount --propagation private -- bash "$0" --inner "$root" "$WORK" "$CACHE/apt-$SUITE-$ARCH" ||
  status=$?
check_eq "chroot steps ran" 0 "$status"
timings+=("chroot steps $(elapsed "$start")")
check_eq "nothing of the chroot is mounted outside the namespace" "" \
  "$(awk -v d="$root" 'index($2, d "/") == 1 { print $2 }' /proc/self/mounts)"

result() { cat "$WORK/$1.status" 2>/dev/null || echo missing; }
for name in install1 install2 packages version check_config uninstall root_install root_uninstall; do
  if [[ -f "$WORK/$name.ms" ]]; then
    ms=$(cat "$WORK/$name.ms")
    timings+=("$name $((ms / 1000)).$((ms % 1000 / 100))s")
  fi
done

# First install: packages and files.
check_eq "install: status" 0 "$(result install1)"
[[ "$(result install1)" == 0 ]] || show "$WORK/install1.out" "$WORK/install1.err"
check_not_in "install: stderr holds warnings only" '^[^[]|^\[[^W]' "$WORK/install1.err"
for pkg in "${PACKAGES[@]}"; do
  check "package $pkg installed" grep -qx "$pkg installed" "$WORK/packages.out"
done
listing1=$(cat "$WORK/listing1")
for path in usr/local/bin/orchd usr/local/bin/kubectl usr/local/bin/orchd-killall.sh \
  usr/local/bin/orchd-uninstall.sh etc/systemd/system/orchd.service \
  etc/systemd/system/orchd.service.env; do
  check "installed: $path" grep -q "^$path|" <<<"$listing1"
done
check "installed: env file mode 0600" grep -q '^etc/systemd/system/orchd.service.env|-rw-------|' <<<"$listing1"
check "installed: kubectl links to orchd" grep -q '^usr/local/bin/kubectl|l.*|orchd$' <<<"$listing1"

# Second install: nothing to do.
check_eq "second install: status" 0 "$(result install2)"
check_eq "second install changes no file (paths, modes, sizes, mtimes)" "$listing1" "$(cat "$WORK/listing2")"
check_not_in "second install installs no package" "installing with" "$WORK/install2.out"
check_not_in "second install writes no file" "writing" "$WORK/install2.out"

# The binary in the chroot.
check_eq "orchd version: status" 0 "$(result version)"
check "orchd version prints its version" grep -q '^orchd version ' "$WORK/version.out"
check_status=$(result check_config)
check "orchd check-config exits 0 or 1 (got $check_status)" test "$check_status" = 0 -o "$check_status" = 1
check "orchd check-config prints a line per check" test "$(wc -l <"$WORK/check_config.out")" -ge 5
check "orchd check-config checks cgroups" grep -qi cgroup "$WORK/check_config.out"
check "orchd check-config checks runc" grep -qi runc "$WORK/check_config.out"

# Uninstall.
check_eq "uninstall: status" 0 "$(result uninstall)"
[[ "$(result uninstall)" == 0 ]] || show "$WORK/uninstall.out" "$WORK/uninstall.err"
check_eq "uninstall: stderr" "" "$(cat "$WORK/uninstall.err" 2>/dev/null)"
# Into the chroot as an INSTALL_ORCHD_ROOT, from outside.
check_eq "root install: status" 0 "$(result root_install)"
[[ "$(result root_install)" == 0 ]] || show "$WORK/root_install.out" "$WORK/root_install.err"
check_not_in "root install finds the chroot's packages" "installing with" "$WORK/root_install.out"
check "root install writes the binary" grep -q '^usr/local/bin/orchd|' "$WORK/listing4"
check_eq "root uninstall: status" 0 "$(result root_uninstall)"

rm -f "$root/root/orchd" "$root/root/install.sh"
check_eq "uninstall removes every orchd file" "" \
  "$(find "$root" -mindepth 1 -xdev \( -name '*orchd*' -o -name kubectl \) -print)"

log "timings: ${timings[*]}"
finish
