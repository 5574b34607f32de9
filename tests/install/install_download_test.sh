#!/usr/bin/env bash
# The download path of scripts/install.sh (INSTALL_ORCHD_URL), against a release directory served
# by python3's http.server on 127.0.0.1 (a free port the server picks itself), into throwaway
# INSTALL_ORCHD_ROOT trees:
#   * the right file per architecture (amd64 -> orchd, aarch64 -> orchd-arm64, armv7l ->
#     orchd-armhf), with curl and with wget, checked against sha256sum-ARCH.txt;
#   * a second run fetches the checksum file only (not the binary) and changes nothing;
#   * an installed binary with another hash is replaced;
#   * a wrong checksum, a checksum file without the binary's line, a missing release and an
#     unsupported architecture each exit 1 with one clear line and install nothing.
#
#   install_download_test.sh INSTALL_SH ORCHD_BINARY   (needs python3, and curl or wget)
set -euo pipefail

INSTALL_SH=$(realpath "$1")
ORCHD=$(realpath "$2")
# shellcheck source=tests/install/lib.sh
source "$(dirname "$0")/lib.sh"
need_tool python3
command -v curl >/dev/null 2>&1 || command -v wget >/dev/null 2>&1 || skip "needs curl or wget"
downloaders=()
for tool in curl wget; do
  command -v "$tool" >/dev/null 2>&1 && downloaders+=("$tool")
done

WORK='' root='' # set by new_dir
new_dir WORK work
REL=$WORK/release
mkdir -p "$REL/bad" "$REL/noline"
cp "$ORCHD" "$REL/orchd"
printf '#!/bin/sh\necho arm64\n' >"$REL/orchd-arm64"
printf '#!/bin/sh\necho armhf\n' >"$REL/orchd-armhf"
(
  cd "$REL"
  sha256sum orchd >sha256sum-amd64.txt
  sha256sum orchd-arm64 >sha256sum-arm64.txt
  # Binary mode marker, another file's line first: the installer must pick its own line.
  { sha256sum orchd-arm64; sha256sum -b orchd-armhf; } >sha256sum-armhf.txt
  cp orchd bad/orchd
  echo "$(printf '0%.0s' {1..64})  orchd" >bad/sha256sum-amd64.txt
  cp orchd noline/orchd
  sha256sum orchd | sed 's/ orchd$/ orchd-other/' >noline/sha256sum-amd64.txt
)

# The server: binds 127.0.0.1 port 0 and writes the port it got; logs each request to stderr.
python3 - "$REL" "$WORK/port" 2>"$WORK/http.log" <<'EOF' &
import functools, http.server, os, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
with open(sys.argv[2] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF
server_pid=$!
on_exit "kill $server_pid 2>/dev/null; wait $server_pid 2>/dev/null"
for _ in $(seq 100); do
  [[ -s "$WORK/port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[[ -s "$WORK/port" ]] || {
  cat "$WORK/http.log" >&2
  fail "the HTTP server did not start"
  finish
}
URL=http://127.0.0.1:$(cat "$WORK/port")
log "release directory served at $URL"

# requests_since LINE: the paths requested since line LINE of the server's log.
requests_since() {
  tail -n "+$(($1 + 1))" "$WORK/http.log" | sed -n 's/.*"GET \([^ ]*\) HTTP.*/\1/p' | paste -sd ' '
}
log_lines() { wc -l <"$WORK/http.log"; }

case "$(uname -m)" in
  x86_64 | amd64) native=orchd native_arch=amd64 ;;
  aarch64 | arm64) native=orchd-arm64 native_arch=arm64 ;;
  arm*) native=orchd-armhf native_arch=armhf ;;
  *) native='' native_arch='' ;;
esac

# --- the native architecture, default downloader, twice ---------------------------------------
if [[ -n "$native" ]]; then
  new_dir root native
  mark=$(log_lines)
  run_install "$WORK/n1" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_URL="$URL" INSTALL_ORCHD_INIT=systemd
  check_eq "native download: status" 0 "$RUN_STATUS"
  ((RUN_STATUS == 0)) || show "$WORK/n1.out" "$WORK/n1.err"
  check "native download: installs $native" cmp -s "$REL/$native" "$root/usr/local/bin/orchd"
  check_eq "native download: requests" "/sha256sum-$native_arch.txt /$native" "$(requests_since "$mark")"
  before=$(snapshot "$root" strict)
  mark=$(log_lines)
  run_install "$WORK/n2" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_URL="$URL/" INSTALL_ORCHD_INIT=systemd
  check_eq "second run: status" 0 "$RUN_STATUS"
  check_eq "second run fetches the checksum only" "/sha256sum-$native_arch.txt" "$(requests_since "$mark")"
  check "second run says why" grep -q "has the published hash: not downloading" "$WORK/n2.out"
  check_eq "second run changes nothing" "$before" "$(snapshot "$root" strict)"
else
  log "no release for $(uname -m): native download not tested"
fi

# --- each architecture, each downloader -------------------------------------------------------
for downloader in "${downloaders[@]}"; do
  for pair in x86_64:orchd:amd64 aarch64:orchd-arm64:arm64 armv7l:orchd-armhf:armhf; do
    IFS=: read -r machine file arch <<<"$pair"
    new_dir root "$downloader-$arch"
    mark=$(log_lines)
    run_install "$WORK/d" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_URL="$URL" \
      INSTALL_ORCHD_INIT=systemd INSTALL_ORCHD_ARCH="$machine" INSTALL_ORCHD_DOWNLOADER="$downloader"
    check_eq "$downloader $machine: status" 0 "$RUN_STATUS"
    ((RUN_STATUS == 0)) || show "$WORK/d.out" "$WORK/d.err"
    check "$downloader $machine: installs $file" cmp -s "$REL/$file" "$root/usr/local/bin/orchd"
    check_eq "$downloader $machine: requests" "/sha256sum-$arch.txt /$file" "$(requests_since "$mark")"
  done
done

# --- an installed binary with another hash is replaced ----------------------------------------
new_dir root upgrade
run_install "$WORK/u1" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_URL="$URL" INSTALL_ORCHD_INIT=systemd \
  INSTALL_ORCHD_ARCH=aarch64
run_install "$WORK/u2" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_URL="$URL" INSTALL_ORCHD_INIT=systemd \
  INSTALL_ORCHD_ARCH=armv7l
check_eq "upgrade: status" 0 "$RUN_STATUS"
check "upgrade: the new binary replaced the old" cmp -s "$REL/orchd-armhf" "$root/usr/local/bin/orchd"

# --- failures: one line, nothing installed ----------------------------------------------------
# bad_download DESCRIPTION MESSAGE_PART VAR=VALUE...
bad_download() {
  local what=$1 part=$2 root before
  shift 2
  new_dir root bad
  mkdir -p "$root/etc"
  before=$(snapshot "$root" strict)
  run_install "$WORK/bad" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_INIT=systemd "$@"
  check_eq "$what: status" 1 "$RUN_STATUS"
  check_eq "$what: one line on stderr" 1 "$(wc -l <"$WORK/bad.err")"
  check "$what: the line says '$part' ($(cat "$WORK/bad.err"))" grep -qF -- "$part" "$WORK/bad.err"
  check_eq "$what: nothing installed" "$before" "$(snapshot "$root" strict)"
}
bad_download "wrong checksum" "[ERROR] checksum mismatch for $URL/bad/orchd" \
  INSTALL_ORCHD_URL="$URL/bad" INSTALL_ORCHD_ARCH=x86_64
bad_download "no line for the binary" "has no SHA-256 line for orchd" \
  INSTALL_ORCHD_URL="$URL/noline" INSTALL_ORCHD_ARCH=x86_64
for downloader in "${downloaders[@]}"; do
  bad_download "missing release ($downloader)" \
    "[ERROR] download of $URL/missing/sha256sum-amd64.txt failed" \
    INSTALL_ORCHD_URL="$URL/missing" INSTALL_ORCHD_ARCH=x86_64 INSTALL_ORCHD_DOWNLOADER="$downloader"
done
bad_download "unsupported architecture" "unsupported architecture riscv64" \
  INSTALL_ORCHD_URL="$URL" INSTALL_ORCHD_ARCH=riscv64

finish
