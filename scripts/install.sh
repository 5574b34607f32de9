#!/bin/sh
# Installs orchd as a service: the binary, a systemd unit (or an OpenRC service), its environment
# file, a `kubectl` link, and the orchd-killall.sh and orchd-uninstall.sh scripts; installs the
# packages orchd needs (runc, iptables, ...); then enables and starts the service.
# POSIX sh. Idempotent: a second run with the same input changes no file (not even an mtime) and
# does not restart the service.
#
#   curl -sfL https://HOST/install.sh | INSTALL_ORCHD_URL=https://HOST/orchd/v0.1.0 sh -
#   INSTALL_ORCHD_BIN=./orchd sh install.sh [server|agent] [FLAG...]
#   ORCHD_URL=https://SERVER:6443 ORCHD_TOKEN=K10... INSTALL_ORCHD_BIN=./orchd sh install.sh
#
# Environment:
#   ORCHD_*                     kept for the service in its environment file (mode 0600), with
#                               NO_PROXY, HTTP_PROXY and HTTPS_PROXY. ORCHD_URL makes the command
#                               default to `agent`; an agent needs ORCHD_TOKEN or ORCHD_TOKEN_FILE
#                               (or --token/--token-file), and ORCHD_URL must be https://.
#   INSTALL_ORCHD_EXEC          the command and flags for the service, split on spaces; the
#                               script's arguments follow it. A first word `server` or `agent`
#                               picks the mode, else it is `agent` when ORCHD_URL is set.
#   INSTALL_ORCHD_BIN           a local orchd binary to install
#   INSTALL_ORCHD_URL           a release directory to download from: URL/sha256sum-ARCH.txt
#                               ("SHA256  FILE" lines) and URL/orchd (amd64), URL/orchd-arm64,
#                               URL/orchd-armhf; the download is skipped when the installed binary
#                               already has the published hash
#   INSTALL_ORCHD_ARCH          the release's architecture (default: `uname -m`): amd64/x86_64,
#                               arm64/aarch64, arm* (armhf)
#   INSTALL_ORCHD_DOWNLOADER    curl or wget (default: curl if present, else wget)
#   INSTALL_ORCHD_SKIP_DOWNLOAD=true   keep the orchd already in the bin directory
#   INSTALL_ORCHD_SKIP_DEPS=true       install no packages (with INSTALL_ORCHD_ROOT they are only
#                                      installed on INSTALL_ORCHD_SKIP_DEPS=false, with chroot)
#   INSTALL_ORCHD_SKIP_ENABLE=true     neither enable nor start the service
#   INSTALL_ORCHD_SKIP_START=true      enable the service but do not start it
#   INSTALL_ORCHD_FORCE_RESTART=true   restart the service even when nothing changed
#   INSTALL_ORCHD_SKIP_CHECK=true      do not run `orchd check-config` after installing
#   INSTALL_ORCHD_SYMLINK=skip|force   the kubectl link (default: made only when no kubectl exists)
#   INSTALL_ORCHD_BIN_DIR       default /usr/local/bin
#   INSTALL_ORCHD_SYSTEMD_DIR   default /etc/systemd/system
#   INSTALL_ORCHD_NAME          the service is orchd-NAME (default: orchd, or orchd-agent)
#   INSTALL_ORCHD_INIT          systemd or openrc (default: whichever the machine has)
#   INSTALL_ORCHD_ROOT          write every file under this directory instead of /, for packaging
#                               and tests: the running host is not touched (no systemctl, no
#                               package manager, no modprobe), and the killall and uninstall
#                               scripts it writes keep to the same directory.
#
# Every error is one line on stderr ("[ERROR] ...") and exit status 1; input is checked and the
# binary fetched and verified before anything is written.
set -e
set -o noglob
umask 022

info() { echo "[INFO]  $*"; }
warn() { echo "[WARN]  $*" >&2; }
fatal() {
  echo "[ERROR] $*" >&2
  exit 1
}

# sh_quote STRING: STRING as one single-quoted sh word.
sh_quote() {
  printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"
}

# dq_escape STRING: STRING escaped for the inside of double quotes, in sh and in systemd
# environment files alike (a backslash before \ " $ and `).
dq_escape() {
  printf '%s' "$1" | sed -e 's/[\\"$`]/\\&/g'
}

# systemd_quote STRING: STRING as one double-quoted word of a systemd Exec line (no % specifier
# nor $ variable is expanded in it).
systemd_quote() {
  printf '"%s"' "$(printf '%s' "$1" | sed -e 's/[\\"]/\\&/g' -e 's/\$/$$/g' -e 's/%/%%/g')"
}

# has_newline STRING: true when STRING holds a newline.
has_newline() {
  case "$1" in
    *'
'*) return 0 ;;
  esac
  return 1
}

# check_path NAME VALUE: VALUE must be an absolute path made of plain characters.
check_path() {
  case "$2" in
    /*) ;;
    *) fatal "$1=$2: must be an absolute path" ;;
  esac
  case "$2" in
    *[!A-Za-z0-9/._+@-]*) fatal "$1=$2: only letters, digits and / . _ + @ - are allowed" ;;
  esac
}

# sha256_of FILE: the hex SHA-256 of FILE.
sha256_of() {
  if command -v sha256sum >/dev/null 2>&1; then
    set -- "$(sha256sum "$1")"
  elif command -v shasum >/dev/null 2>&1; then
    set -- "$(shasum -a 256 "$1")"
  else
    set -- "$(openssl dgst -sha256 -r "$1")"
  fi
  echo "${1%%[[:blank:]]*}"
}

# same_content A B: true when the files A and B exist with the same bytes.
same_content() {
  [ -f "$1" ] && [ -f "$2" ] || return 1
  if command -v cmp >/dev/null 2>&1; then
    cmp -s "$1" "$2"
  else
    [ "$(sha256_of "$1")" = "$(sha256_of "$2")" ]
  fi
}

# have_cmd NAME: true when the target system has the command NAME.
have_cmd() {
  if [ -z "$R" ]; then
    command -v "$1" >/dev/null 2>&1
    return
  fi
  for have_dir in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
    [ -x "$R$have_dir/$1" ] && return 0
  done
  return 1
}

# run_target COMMAND...: runs COMMAND on the target system (chroot into INSTALL_ORCHD_ROOT).
run_target() {
  if [ -n "$R" ]; then
    chroot "$R" "$@"
  else
    "$@"
  fi
}

# --- input -------------------------------------------------------------------------------------

setup_root() {
  R=
  if [ -n "${INSTALL_ORCHD_ROOT}" ]; then
    [ -d "${INSTALL_ORCHD_ROOT}" ] ||
      fatal "INSTALL_ORCHD_ROOT=${INSTALL_ORCHD_ROOT}: not a directory"
    R=$(cd "${INSTALL_ORCHD_ROOT}" && pwd -P)
    [ "$R" = / ] && R=
    [ -z "$R" ] || check_path INSTALL_ORCHD_ROOT "$R"
  fi
  if [ -z "$R" ] && [ "$(id -u)" -ne 0 ]; then
    fatal "run the installer as root (curl ... | sudo sh -), or set INSTALL_ORCHD_ROOT"
  fi
}

# setup_command ARG...: the mode (server or agent) and the flags of the service's command line.
setup_command() {
  case "$1" in
    -* | "")
      if [ -n "${ORCHD_URL}" ]; then CMD=agent; else CMD=server; fi
      ;;
    server | agent)
      CMD=$1
      shift
      ;;
    *) fatal "unknown command '$1' in INSTALL_ORCHD_EXEC or the arguments: use server or agent" ;;
  esac
  ARGS_SYSTEMD=
  ARGS_SH=
  join_url=${ORCHD_URL}
  has_token=
  if [ -n "${ORCHD_TOKEN}" ] || [ -n "${ORCHD_TOKEN_FILE}" ]; then
    has_token=yes
  fi
  DATA_DIR=${ORCHD_DATA_DIR:-/var/lib/orchd}
  prev=
  for arg in "$@"; do
    has_newline "$arg" && fatal "a service argument holds a newline"
    ARGS_SYSTEMD="${ARGS_SYSTEMD} \\
	$(systemd_quote "$arg")"
    ARGS_SH="${ARGS_SH} $(sh_quote "$arg")"
    case "$prev" in
      --join) join_url=$arg ;;
      --token | --token-file) has_token=yes ;;
      --data-dir) DATA_DIR=$arg ;;
    esac
    case "$arg" in
      --join=*) join_url=${arg#--join=} ;;
      --token=* | --token-file=*) has_token=yes ;;
      --data-dir=*) DATA_DIR=${arg#--data-dir=} ;;
    esac
    prev=$arg
  done
  for url in "${ORCHD_URL}" "$join_url"; do
    case "$url" in
      "" | https://*) ;;
      *) fatal "only https:// server URLs are supported (ORCHD_URL or --join is $url)" ;;
    esac
  done
  if [ "$CMD" = agent ]; then
    [ -n "$join_url" ] ||
      fatal "an agent needs the server's URL: set ORCHD_URL=https://SERVER:6443 (or --join)"
    [ -n "$has_token" ] ||
      fatal "an agent needs the server's join token: set ORCHD_TOKEN or ORCHD_TOKEN_FILE"
  fi
  check_path "data dir" "$DATA_DIR"
  # The uninstall script removes the data dir: never a directory of the system itself.
  case "${DATA_DIR%/}" in
    "") fatal "the data dir must not be /" ;;
    /bin | /boot | /dev | /etc | /home | /lib | /lib32 | /lib64 | /media | /mnt | /opt | /proc | \
      /root | /run | /sbin | /srv | /sys | /tmp | /usr | /usr/bin | /usr/lib | /usr/local | \
      /usr/local/bin | /usr/sbin | /usr/share | /var | /var/cache | /var/lib | /var/log | /var/tmp)
      fatal "the data dir must not be the system directory $DATA_DIR"
      ;;
  esac
}

setup_names() {
  BIN_DIR=${INSTALL_ORCHD_BIN_DIR:-/usr/local/bin}
  SYSTEMD_DIR=${INSTALL_ORCHD_SYSTEMD_DIR:-/etc/systemd/system}
  check_path INSTALL_ORCHD_BIN_DIR "$BIN_DIR"
  check_path INSTALL_ORCHD_SYSTEMD_DIR "$SYSTEMD_DIR"
  BIN_DIR=${BIN_DIR%/}
  SYSTEMD_DIR=${SYSTEMD_DIR%/}
  if [ -n "${INSTALL_ORCHD_NAME}" ]; then
    case "${INSTALL_ORCHD_NAME}" in
      *[!A-Za-z0-9_.-]*) fatal "INSTALL_ORCHD_NAME=${INSTALL_ORCHD_NAME}: use letters, digits, _ . -" ;;
    esac
    SYSTEM_NAME=orchd-${INSTALL_ORCHD_NAME}
  elif [ "$CMD" = server ]; then
    SYSTEM_NAME=orchd
  else
    SYSTEM_NAME=orchd-$CMD
  fi
  BIN=$BIN_DIR/orchd
  KILLALL=$BIN_DIR/orchd-killall.sh
  UNINSTALL=$BIN_DIR/$SYSTEM_NAME-uninstall.sh
  CONFIG_DIR=/etc/orchd
  INITD_DIR=/etc/init.d
  LOGROTATE_FILE=
  LOG_FILE=
  if [ "$INIT" = systemd ]; then
    SERVICE_FILE=$SYSTEMD_DIR/$SYSTEM_NAME.service
    ENV_FILE=$SERVICE_FILE.env
  else
    SERVICE_FILE=$INITD_DIR/$SYSTEM_NAME
    ENV_FILE=$CONFIG_DIR/$SYSTEM_NAME.env
    LOG_FILE=/var/log/$SYSTEM_NAME.log
    LOGROTATE_FILE=/etc/logrotate.d/$SYSTEM_NAME
  fi
}

setup_init() {
  case "${INSTALL_ORCHD_INIT}" in
    systemd | openrc)
      INIT=${INSTALL_ORCHD_INIT}
      return
      ;;
    "") ;;
    *) fatal "INSTALL_ORCHD_INIT=${INSTALL_ORCHD_INIT}: use systemd or openrc" ;;
  esac
  if [ -x "$R/sbin/openrc-run" ]; then
    INIT=openrc
  elif [ -x "$R/bin/systemctl" ] || [ -x "$R/usr/bin/systemctl" ] ||
    { [ -z "$R" ] && command -v systemctl >/dev/null 2>&1; }; then
    INIT=systemd
  elif [ -n "$R" ]; then
    INIT=systemd
  else
    fatal "found neither systemd nor OpenRC to run orchd (INSTALL_ORCHD_INIT=systemd|openrc forces one)"
  fi
}

# setup_env_file: the environment file's content in ENV_CONTENT (ORCHD_* and the proxies).
setup_env_file() {
  ENV_CONTENT=
  env_names=$(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p' |
    grep -E -i '^(ORCHD_[A-Za-z0-9_]+|no_proxy|http_proxy|https_proxy)$' | LC_ALL=C sort -u)
  for name in $env_names; do
    case "$name" in
      ORCHD_*) ;;
      [Oo][Rr][Cc][Hh][Dd]_*) continue ;;
    esac
    is_set=
    value=
    eval "is_set=\${$name+set}"
    [ "$is_set" = set ] || continue
    eval "value=\${$name}"
    has_newline "$value" && fatal "$name holds a newline, which an environment file cannot keep"
    ENV_CONTENT="${ENV_CONTENT}${name}=\"$(dq_escape "$value")\"
"
  done
}

# --- the binary --------------------------------------------------------------------------------

setup_tmp() {
  TMP_DIR=$(mktemp -d "${TMPDIR:-/tmp}/orchd-install.XXXXXXXXXX")
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

cleanup() {
  status=$?
  set +e
  trap - EXIT
  rm -rf "${TMP_DIR}"
  [ -z "${PARTIAL}" ] || rm -f "${PARTIAL}"
  exit "$status"
}

setup_arch() {
  arch=${INSTALL_ORCHD_ARCH:-$(uname -m)}
  case "$arch" in
    amd64 | x86_64)
      ARCH=amd64
      RELEASE_FILE=orchd
      ;;
    arm64 | aarch64)
      ARCH=arm64
      RELEASE_FILE=orchd-arm64
      ;;
    arm*)
      ARCH=armhf
      RELEASE_FILE=orchd-armhf
      ;;
    *) fatal "unsupported architecture $arch (orchd is released for amd64, arm64 and armhf)" ;;
  esac
}

setup_downloader() {
  case "${INSTALL_ORCHD_DOWNLOADER}" in
    curl | wget)
      command -v "${INSTALL_ORCHD_DOWNLOADER}" >/dev/null 2>&1 ||
        fatal "INSTALL_ORCHD_DOWNLOADER=${INSTALL_ORCHD_DOWNLOADER}: not found"
      DOWNLOADER=${INSTALL_ORCHD_DOWNLOADER}
      ;;
    "")
      if command -v curl >/dev/null 2>&1; then
        DOWNLOADER=curl
      elif command -v wget >/dev/null 2>&1; then
        DOWNLOADER=wget
      else
        fatal "found neither curl nor wget to download orchd"
      fi
      ;;
    *) fatal "INSTALL_ORCHD_DOWNLOADER=${INSTALL_ORCHD_DOWNLOADER}: use curl or wget" ;;
  esac
}

# download FILE URL
download() {
  case "$DOWNLOADER" in
    curl) curl -fsSL -o "$1" "$2" 2>/dev/null || fatal "download of $2 failed" ;;
    wget) wget -q -O "$1" "$2" 2>/dev/null || fatal "download of $2 failed" ;;
  esac
}

# setup_binary: NEW_BIN is the binary to install ("" keeps the installed one).
setup_binary() {
  NEW_BIN=
  if [ -n "${INSTALL_ORCHD_BIN}" ]; then
    if [ ! -f "${INSTALL_ORCHD_BIN}" ] || [ ! -r "${INSTALL_ORCHD_BIN}" ]; then
      fatal "INSTALL_ORCHD_BIN=${INSTALL_ORCHD_BIN}: no such readable file"
    fi
    NEW_BIN=${INSTALL_ORCHD_BIN}
    return
  fi
  if [ "${INSTALL_ORCHD_SKIP_DOWNLOAD}" = true ]; then
    [ -x "$R$BIN" ] ||
      fatal "INSTALL_ORCHD_SKIP_DOWNLOAD=true but there is no executable $R$BIN"
    return
  fi
  [ -n "${INSTALL_ORCHD_URL}" ] ||
    fatal "no orchd binary: set INSTALL_ORCHD_BIN=/path/to/orchd or INSTALL_ORCHD_URL=RELEASE_DIR_URL"
  setup_arch
  setup_downloader
  base=${INSTALL_ORCHD_URL%/}
  download "$TMP_DIR/sha256sum.txt" "$base/sha256sum-$ARCH.txt"
  expected=$(awk -v f="$RELEASE_FILE" '$2 == f || $2 == "*" f { print $1; exit }' \
    "$TMP_DIR/sha256sum.txt")
  case "$expected" in
    "" | *[!0-9a-fA-F]*)
      fatal "$base/sha256sum-$ARCH.txt has no SHA-256 line for $RELEASE_FILE"
      ;;
  esac
  [ ${#expected} -eq 64 ] || fatal "$base/sha256sum-$ARCH.txt: malformed hash for $RELEASE_FILE"
  expected=$(printf '%s' "$expected" | tr 'A-F' 'a-f')
  if [ -f "$R$BIN" ] && [ "$(sha256_of "$R$BIN")" = "$expected" ]; then
    info "installed $BIN has the published hash: not downloading it"
    return
  fi
  info "downloading $base/$RELEASE_FILE"
  download "$TMP_DIR/orchd" "$base/$RELEASE_FILE"
  actual=$(sha256_of "$TMP_DIR/orchd")
  [ "$actual" = "$expected" ] ||
    fatal "checksum mismatch for $base/$RELEASE_FILE: got sha256 $actual, sha256sum-$ARCH.txt says $expected"
  NEW_BIN=$TMP_DIR/orchd
}

# --- packages ----------------------------------------------------------------------------------

# pm_run WHAT COMMAND...: runs a package manager command on the target, its output kept aside;
# on failure shows the end of it, then stops.
pm_run() {
  pm_what=$1
  shift
  if ! run_target "$@" >"$TMP_DIR/packages.log" 2>&1; then
    tail -n 20 "$TMP_DIR/packages.log" >&2
    fatal "$pm_what failed"
  fi
}

install_deps() {
  if [ "${INSTALL_ORCHD_SKIP_DEPS}" = true ]; then
    info "INSTALL_ORCHD_SKIP_DEPS=true: not installing packages"
    return
  fi
  if [ -n "$R" ] && [ "${INSTALL_ORCHD_SKIP_DEPS}" != false ]; then
    info "INSTALL_ORCHD_ROOT is set: not installing packages (INSTALL_ORCHD_SKIP_DEPS=false does, with chroot)"
    return
  fi
  missing=
  if have_cmd apt-get; then
    for pkg in runc iptables ca-certificates iproute2 kmod; do
      # shellcheck disable=SC2016 # a dpkg-query format
      status=$(run_target dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
      [ "$status" = installed ] || missing="$missing $pkg"
    done
    [ -n "$missing" ] || return 0
    info "installing with apt-get:$missing"
    pm_run "apt-get update" env DEBIAN_FRONTEND=noninteractive apt-get -q update
    # shellcheck disable=SC2086 # one word per package
    pm_run "apt-get install$missing" env DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
      --no-install-recommends $missing
  elif have_cmd dnf || have_cmd yum; then
    pm=yum
    have_cmd dnf && pm=dnf
    for pkg in runc iptables ca-certificates iproute kmod; do
      run_target rpm -q --whatprovides "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    [ -n "$missing" ] || return 0
    info "installing with $pm:$missing"
    # shellcheck disable=SC2086 # one word per package
    pm_run "$pm install$missing" "$pm" install -y $missing
  elif have_cmd apk; then
    for pkg in runc iptables ip6tables ca-certificates iproute2 kmod; do
      run_target apk info -e "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    [ -n "$missing" ] || return 0
    info "installing with apk:$missing"
    # shellcheck disable=SC2086 # one word per package
    pm_run "apk add$missing" apk add --no-cache $missing
  elif have_cmd zypper; then
    for pkg in runc iptables ca-certificates iproute2 kmod; do
      run_target rpm -q --whatprovides "$pkg" >/dev/null 2>&1 || missing="$missing $pkg"
    done
    [ -n "$missing" ] || return 0
    info "installing with zypper:$missing"
    # shellcheck disable=SC2086 # one word per package
    pm_run "zypper install$missing" zypper -n install $missing
  else
    warn "no known package manager (apt-get, dnf, yum, apk, zypper): install runc, iptables, iproute2 and ca-certificates yourself"
  fi
}

# --- files -------------------------------------------------------------------------------------

# make_dir DIR: creates DIR (a path on the target) and its missing parents, and records each
# created directory in NEW_DIRS, parents first.
make_dir() {
  make_d=$1
  make_todo=
  while [ -n "$make_d" ] && [ "$make_d" != / ] && [ ! -d "$R$make_d" ]; do
    make_todo="$make_d $make_todo"
    make_d=$(dirname "$make_d")
  done
  for make_d in $make_todo; do
    mkdir -m 755 "$R$make_d"
    NEW_DIRS="$NEW_DIRS $make_d"
  done
}

# set_mode FILE MODE: chmod (and chown to root) only what differs, so that nothing changes on a
# second run.
set_mode() {
  [ "$(stat -c %a "$1")" = "${2#0}" ] || chmod "$2" "$1"
  if [ "$(id -u)" -eq 0 ] && [ "$(stat -c %u:%g "$1")" != 0:0 ]; then
    chown 0:0 "$1"
  fi
}

# put_file SOURCE DEST MODE: installs SOURCE as DEST (a path on the target) when their contents
# differ, through a temporary file and a rename.
put_file() {
  if same_content "$1" "$R$2" && [ ! -L "$R$2" ]; then
    set_mode "$R$2" "$3"
    return
  fi
  info "writing $R$2"
  PARTIAL=$R$2.orchd-install.$$
  (umask 077 && cp "$1" "$PARTIAL") # no one else reads it before its mode is set
  set_mode "$PARTIAL" "$3"
  mv -f "$PARTIAL" "$R$2"
  PARTIAL=
}

# put_text DEST MODE TEXT: put_file of the text TEXT.
put_text() {
  printf '%s' "$3" >"$TMP_DIR/text"
  put_file "$TMP_DIR/text" "$1" "$2"
}

# setup_dirs: makes the directories for every file; CREATED_DIRS lists the directories the
# installs made (read back from existing uninstall scripts, so a second run keeps the list).
setup_dirs() {
  NEW_DIRS=
  make_dir "$BIN_DIR"
  make_dir "$(dirname "$SERVICE_FILE")"
  make_dir "$(dirname "$ENV_FILE")"
  [ -z "$LOGROTATE_FILE" ] || make_dir "$(dirname "$LOGROTATE_FILE")"
  old_dirs=
  set +o noglob
  for script in "$R$BIN_DIR"/orchd*-uninstall.sh; do
    [ -f "$script" ] || continue
    old_dirs="$old_dirs $(sed -n "s/^CREATED_DIRS='\\(.*\\)'\$/\\1/p" "$script")"
  done
  set -o noglob
  CREATED_DIRS=
  for dir in $old_dirs $NEW_DIRS; do
    case " $CREATED_DIRS " in
      *" $dir "*) ;;
      *) CREATED_DIRS="${CREATED_DIRS:+$CREATED_DIRS }$dir" ;;
    esac
  done
}

install_binary() {
  [ -n "$NEW_BIN" ] || return 0
  put_file "$NEW_BIN" "$BIN" 755
}

# create_symlinks: BIN_DIR/kubectl -> orchd when the target has no other kubectl.
create_symlinks() {
  [ "${INSTALL_ORCHD_SYMLINK}" = skip ] && return
  link=$R$BIN_DIR/kubectl
  if [ -L "$link" ] && [ "$(readlink "$link")" = orchd ]; then
    return
  fi
  if [ "${INSTALL_ORCHD_SYMLINK}" != force ]; then
    if [ -e "$link" ] || [ -L "$link" ]; then
      info "$BIN_DIR/kubectl exists: not linking it to orchd"
      return
    fi
    if have_cmd kubectl; then
      info "kubectl is installed: not linking $BIN_DIR/kubectl to orchd"
      return
    fi
  fi
  info "linking $R$BIN_DIR/kubectl to orchd"
  ln -sf orchd "$link"
}

# The variables at the head of both scripts: where the install went, and where orchd keeps its
# state.
script_header() {
  cat <<EOF
ROOT=$(sh_quote "$R")
HOST_OPS=$([ -z "$R" ] && echo true || echo false)
DATA_DIR=$(sh_quote "${DATA_DIR%/}")
RUN_DIR=/run/orchd
SYSTEMD_DIR=$(sh_quote "$SYSTEMD_DIR")
INITD_DIR=$INITD_DIR
EOF
}

create_killall() {
  {
    cat <<'EOF'
#!/bin/sh
# orchd-killall.sh (written by the orchd installer): stops the orchd services, kills every pod
# process, unmounts what pods had mounted, and removes the network interfaces, network namespaces
# and iptables rules orchd creates. orchd's data stays. Safe to run when none of it exists.
#
# With ROOT set (an install into INSTALL_ORCHD_ROOT), HOST_OPS is false: only files and mounts
# under ROOT are touched; no process, interface, namespace, rule or service of this machine.
EOF
    script_header
    cat <<'EOF'
# The names orchd's node agent gives to what it creates (src/agent, src/net keep to them).
POD_STATE_DIR=$DATA_DIR/agent
RUNC_ROOT=$RUN_DIR/runc
NETNS_DIR=/run/netns
NETNS_PREFIX=orchd-
BRIDGE=orchd0
VXLAN=orchd.1
CHAIN_PREFIX=ORCHD-

if [ "$HOST_OPS" = true ] && [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && exec sudo "$0" "$@"
  echo "orchd-killall.sh: run as root" >&2
  exit 1
fi

say() { echo "orchd-killall: $*"; }

# mount_points dir|prefix PATH: the mount points at or below the directory PATH (dir), or whose
# path starts with PATH (prefix); deepest first.
mount_points() {
  while read -r _ mount_point _; do
    case "$1:$mount_point" in
      "dir:$2" | "dir:$2"/* | "prefix:$2"*) echo "$mount_point" ;;
    esac
  done </proc/self/mounts | sort -r
}

# unmount dir|prefix PATH [remove]: unmounts every mount point of `mount_points` (lazily when
# busy) and, with `remove`, removes the mount point.
unmount() {
  for mount_point in $(mount_points "$1" "$2"); do
    say "unmounting $mount_point"
    umount "$mount_point" 2>/dev/null || umount -l "$mount_point" 2>/dev/null
    if [ "$3" = remove ]; then
      rm -rf "$mount_point" 2>/dev/null
    fi
  done
}

stop_services() {
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
    for unit in "$SYSTEMD_DIR"/orchd*.service; do
      [ -s "$unit" ] || continue
      say "stopping ${unit##*/}"
      systemctl stop "${unit##*/}"
    done
  fi
  for service in "$INITD_DIR"/orchd*; do
    [ -x "$service" ] || continue
    say "stopping $service"
    "$service" stop
  done
}

# start_time PID: the process' start time (field 22 of /proc/PID/stat).
start_time() {
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # shellcheck disable=SC2086 # the fields after the command name
  set -- ${stat##*) }
  shift 19
  echo "$1"
}

# descendants PID...: PID... and every process below them.
descendants() {
  for stat_file in /proc/[0-9]*/stat; do
    stat=$(cat "$stat_file" 2>/dev/null) || continue
    pid=${stat%% *}
    # shellcheck disable=SC2086 # the fields after the command name
    set -- ${stat##*) }
    echo "$2 $pid"
  done | awk -v roots="$*" '
    { children[$1] = children[$1] " " $2 }
    END {
      n = split(roots, queue, " ")
      for (i = 1; i <= n; i++) seen[queue[i]] = 1
      for (i = 1; i <= n; i++) {
        print queue[i]
        m = split(children[queue[i]], kids, " ")
        for (j = 1; j <= m; j++) if (!(kids[j] in seen)) { seen[kids[j]] = 1; queue[++n] = kids[j] }
      }
    }'
}

# kill_pods: every container in runc's state dir (its init process, checked against the start
# time runc recorded, and all below it), and any runc process working on that state dir.
kill_pods() {
  roots=
  for state in "$RUNC_ROOT"/*/state.json; do
    [ -f "$state" ] || continue
    json=$(cat "$state" 2>/dev/null) || continue
    pid=$(printf '%s' "$json" | sed -n 's/.*"init_process_pid":[[:space:]]*\([0-9][0-9]*\).*/\1/p')
    start=$(printf '%s' "$json" | sed -n 's/.*"init_process_start":[[:space:]]*\([0-9][0-9]*\).*/\1/p')
    if [ -n "$pid" ] && [ "$pid" -gt 1 ] && [ "$(start_time "$pid")" = "$start" ]; then
      roots="$roots $pid"
    fi
    id=${state%/state.json}
    id=${id##*/}
    if command -v runc >/dev/null 2>&1; then
      runc --root "$RUNC_ROOT" delete --force "$id" >/dev/null 2>&1
    fi
  done
  for cmdline in /proc/[0-9]*/cmdline; do
    pid=${cmdline#/proc/}
    pid=${pid%/cmdline}
    [ "$pid" != "$$" ] || continue
    args=$(tr '\0' ' ' <"$cmdline" 2>/dev/null) || continue
    case "$args" in *"--root $RUNC_ROOT "* | *"--root=$RUNC_ROOT "*) roots="$roots $pid" ;; esac
  done
  [ -n "$roots" ] || return 0
  # shellcheck disable=SC2086 # one word per pid
  pids=$(descendants $roots | grep -v -x -e "$$" -e 1 | tr '\n' ' ')
  [ -n "$pids" ] || return 0
  say "killing pod processes $pids"
  # shellcheck disable=SC2086 # one word per pid
  kill -9 $pids 2>/dev/null
}

remove_netns() {
  if command -v ip >/dev/null 2>&1; then
    for ns in $(ip netns list 2>/dev/null | sed -n "s/^\\(${NETNS_PREFIX}[^ ]*\\).*/\\1/p"); do
      say "deleting network namespace $ns"
      ip netns delete "$ns" 2>/dev/null
    done
  fi
}

remove_interfaces() {
  command -v ip >/dev/null 2>&1 || return 0
  for link in $(ip -o link show master "$BRIDGE" 2>/dev/null | awk '{ print $2 }'); do
    link=${link%:}
    link=${link%%@*}
    say "deleting interface $link"
    ip link delete "$link" 2>/dev/null
  done
  for link in "$VXLAN" "$BRIDGE"; do
    if ip link show dev "$link" >/dev/null 2>&1; then
      say "deleting interface $link"
      ip link delete "$link" 2>/dev/null
    fi
  done
}

# remove_rules: drops every chain named ORCHD-*, every rule jumping to one, and every rule on
# orchd's interfaces, from iptables and ip6tables (iptables-save | filter | iptables-restore).
remove_rules() {
  devices="($(printf '%s|%s' "$BRIDGE" "$VXLAN" | sed 's/[.]/\\./g'))"
  for tables in iptables ip6tables; do
    command -v "$tables-save" >/dev/null 2>&1 || continue
    command -v "$tables-restore" >/dev/null 2>&1 || continue
    rules=$("$tables-save" 2>/dev/null) || continue
    if ! printf '%s\n' "$rules" | grep -q -E -e "$CHAIN_PREFIX" -e " -[io] $devices( |\$)"; then
      continue
    fi
    say "removing orchd's $tables rules"
    printf '%s\n' "$rules" | grep -v -E -e "$CHAIN_PREFIX" -e " -[io] $devices( |\$)" |
      "$tables-restore"
  done
}

if [ "$HOST_OPS" = true ]; then
  stop_services
  kill_pods
fi
unmount dir "$ROOT$RUN_DIR" remove
unmount dir "$ROOT$POD_STATE_DIR"
if [ "$HOST_OPS" = true ]; then
  remove_netns
fi
unmount prefix "$ROOT$NETNS_DIR/$NETNS_PREFIX" remove
rm -f "$ROOT$NETNS_DIR/$NETNS_PREFIX"*
rm -rf "$ROOT$RUNC_ROOT"
if [ "$HOST_OPS" = true ]; then
  remove_interfaces
  remove_rules
fi
exit 0
EOF
  } >"$TMP_DIR/killall"
  put_file "$TMP_DIR/killall" "$KILLALL" 755
}

create_uninstall() {
  {
    cat <<'EOF'
#!/bin/sh
# orchd uninstall script (written by the orchd installer): runs orchd-killall.sh, then removes the
# service, its environment file, and, unless another orchd service is still installed, the
# binary, the kubectl link, orchd's data, configuration and runtime directories, the killall
# script, the directories the installer made, and this script. It does not remove packages.
# A data directory still holding a mount is walked around: what is mounted stays.
EOF
    script_header
    cat <<EOF
SYSTEM_NAME=$(sh_quote "$SYSTEM_NAME")
INIT=$INIT
SERVICE_FILE=$(sh_quote "$SERVICE_FILE")
ENV_FILE=$(sh_quote "$ENV_FILE")
LOG_FILE=$(sh_quote "$LOG_FILE")
LOGROTATE_FILE=$(sh_quote "$LOGROTATE_FILE")
BIN_DIR=$(sh_quote "$BIN_DIR")
BIN=$(sh_quote "$BIN")
KILLALL=$(sh_quote "$KILLALL")
UNINSTALL=$(sh_quote "$UNINSTALL")
CONFIG_DIR=$(sh_quote "$CONFIG_DIR")
CREATED_DIRS='$CREATED_DIRS'
EOF
    cat <<'EOF'

if [ "$HOST_OPS" = true ] && [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 && exec sudo "$0" "$@"
  echo "$UNINSTALL: run as root" >&2
  exit 1
fi

say() { echo "${UNINSTALL##*/}: $*"; }

# has_mount_under DIR: true when DIR or anything below it is a mount point.
has_mount_under() {
  awk -v d="$1" '$2 == d || index($2, d "/") == 1 { found = 1 } END { exit !found }' \
    /proc/self/mounts
}

# clean_dir DIR: removes DIR and everything in it, except mount points and what is below them.
clean_dir() (
  if ! has_mount_under "$1"; then
    rm -rf "$1"
    exit 0
  fi
  if awk -v d="$1" '$2 == d { found = 1 } END { exit !found }' /proc/self/mounts; then
    say "leaving $1: it is still mounted"
    exit 0
  fi
  for entry in "$1"/* "$1"/.[!.]* "$1"/..?*; do
    [ -e "$entry" ] || [ -L "$entry" ] || continue
    if [ -d "$entry" ] && [ ! -L "$entry" ]; then
      clean_dir "$entry"
    else
      rm -f "$entry"
    fi
  done
  rmdir "$1" 2>/dev/null
  exit 0
)

[ ! -x "$ROOT$KILLALL" ] || "$ROOT$KILLALL"

if [ "$HOST_OPS" = true ]; then
  if [ "$INIT" = systemd ] && command -v systemctl >/dev/null 2>&1; then
    systemctl disable "$SYSTEM_NAME" >/dev/null 2>&1
    if [ -d /run/systemd/system ]; then
      systemctl reset-failed "$SYSTEM_NAME" >/dev/null 2>&1
      systemctl daemon-reload
    fi
  fi
  if [ "$INIT" = openrc ] && command -v rc-update >/dev/null 2>&1; then
    rc-update delete "$SYSTEM_NAME" default >/dev/null 2>&1
  fi
fi

say "removing $SYSTEM_NAME"
rm -f "$ROOT$SERVICE_FILE" "$ROOT$ENV_FILE"
[ -z "$LOGROTATE_FILE" ] || rm -f "$ROOT$LOGROTATE_FILE"
[ -z "$LOG_FILE" ] || rm -f "$ROOT$LOG_FILE" "$ROOT$LOG_FILE".[0-9]*
rm -f "$ROOT$UNINSTALL"

for other in "$ROOT$SYSTEMD_DIR"/orchd*.service "$ROOT$INITD_DIR"/orchd*; do
  if [ -e "$other" ]; then
    say "another orchd service remains ($other): keeping orchd's binary and data"
    exit 0
  fi
done

if [ -L "$ROOT$BIN_DIR/kubectl" ]; then
  case "$(readlink "$ROOT$BIN_DIR/kubectl")" in
    orchd | "$BIN") rm -f "$ROOT$BIN_DIR/kubectl" ;;
  esac
fi
clean_dir "$ROOT$CONFIG_DIR"
clean_dir "$ROOT$RUN_DIR"
clean_dir "$ROOT$DATA_DIR"
rm -f "$ROOT$BIN" "$ROOT$KILLALL"

dirs=
for dir in $CREATED_DIRS; do
  dirs="$dir $dirs"
done
for dir in $dirs; do
  rmdir "$ROOT$dir" 2>/dev/null
done
say "done"
exit 0
EOF
  } >"$TMP_DIR/uninstall"
  put_file "$TMP_DIR/uninstall" "$UNINSTALL" 755
}

create_env_file() {
  put_text "$ENV_FILE" 600 "$ENV_CONTENT"
}

create_systemd_service() {
  put_text "$SERVICE_FILE" 644 "[Unit]
Description=orchd: lightweight Kubernetes ($CMD)
Wants=network-online.target
After=network-online.target

[Install]
WantedBy=multi-user.target

[Service]
Type=notify
EnvironmentFile=-/etc/default/%N
EnvironmentFile=-/etc/sysconfig/%N
EnvironmentFile=-$ENV_FILE
KillMode=process
Delegate=yes
User=root
# Non-zero Limit*s cost accounting in the kernel; pods are limited through their cgroups.
LimitNOFILE=1048576
LimitNPROC=infinity
LimitCORE=infinity
TasksMax=infinity
TimeoutStartSec=0
Restart=always
RestartSec=5s
ExecStartPre=-/sbin/modprobe br_netfilter
ExecStartPre=-/sbin/modprobe overlay
ExecStart=$BIN $CMD$ARGS_SYSTEMD
"
}

create_openrc_service() {
  put_text "$SERVICE_FILE" 755 "#!/sbin/openrc-run
# orchd ($CMD), written by the orchd installer.

description=\"orchd: lightweight Kubernetes ($CMD)\"
supervisor=supervise-daemon
name=$SYSTEM_NAME
command=\"$BIN\"
command_args=\"$(dq_escape "$CMD$ARGS_SH")\"
output_log=$LOG_FILE
error_log=$LOG_FILE
pidfile=\"/var/run/$SYSTEM_NAME.pid\"
respawn_delay=5
respawn_max=0
# Stopping orchd leaves its pods running (like KillMode=process under systemd).
rc_cgroup_cleanup=no

depend() {
  after network-online
  want cgroups
}

start_pre() {
  /sbin/modprobe br_netfilter 2>/dev/null || true
  /sbin/modprobe overlay 2>/dev/null || true
}

set -o allexport
if [ -f /etc/environment ]; then . /etc/environment; fi
if [ -f $ENV_FILE ]; then . $ENV_FILE; fi
set +o allexport
"
  put_text "$LOGROTATE_FILE" 644 "$LOG_FILE {
	missingok
	notifempty
	copytruncate
}
"
}

# installed_hashes: the hashes of the binary, the service and the environment file.
installed_hashes() {
  for file in "$R$BIN" "$R$SERVICE_FILE" "$R$ENV_FILE"; do
    if [ -f "$file" ]; then sha256_of "$file"; else echo none; fi
  done
}

# --- the service -------------------------------------------------------------------------------

check_host() {
  [ -z "$R" ] || return 0
  if ! grep -qs memory /sys/fs/cgroup/cgroup.controllers &&
    ! awk '$1 == "memory" && $4 == 1 { found = 1 } END { exit !found }' /proc/cgroups 2>/dev/null; then
    warn "no memory cgroup: add \"cgroup_memory=1 cgroup_enable=memory\" to the kernel command line (/boot/firmware/cmdline.txt or /boot/cmdline.txt on a Raspberry Pi) and reboot"
  fi
  [ "${INSTALL_ORCHD_SKIP_CHECK}" = true ] && return 0
  info "running orchd check-config"
  if ! "$BIN" check-config; then
    warn "orchd check-config reports missing requirements (above)"
  fi
}

enable_and_start() {
  if [ -n "$R" ]; then
    info "INSTALL_ORCHD_ROOT is set: not enabling nor starting $SYSTEM_NAME"
    return
  fi
  [ "${INSTALL_ORCHD_SKIP_ENABLE}" = true ] && return
  if [ "$INIT" = systemd ]; then
    if ! command -v systemctl >/dev/null 2>&1; then
      warn "no systemctl: $SYSTEM_NAME is not enabled"
      return
    fi
    info "enabling $SYSTEM_NAME"
    systemctl enable "$SYSTEM_NAME" >/dev/null 2>&1 ||
      fatal "systemctl enable $SYSTEM_NAME failed"
    systemctl daemon-reload >/dev/null 2>&1 || true
  else
    if ! command -v rc-update >/dev/null 2>&1; then
      warn "no rc-update: $SYSTEM_NAME is not enabled"
      return
    fi
    info "enabling $SYSTEM_NAME in the default runlevel"
    rc-update add "$SYSTEM_NAME" default >/dev/null || fatal "rc-update add $SYSTEM_NAME failed"
  fi
  [ "${INSTALL_ORCHD_SKIP_START}" = true ] && return
  if [ "$PRE_HASHES" = "$(installed_hashes)" ] && [ "${INSTALL_ORCHD_FORCE_RESTART}" != true ]; then
    info "nothing changed: not restarting $SYSTEM_NAME"
    return
  fi
  if [ "$INIT" = systemd ]; then
    if [ ! -d /run/systemd/system ]; then
      warn "systemd is not running: $SYSTEM_NAME is not started"
      return
    fi
    info "starting $SYSTEM_NAME"
    systemctl restart "$SYSTEM_NAME"
  else
    info "starting $SYSTEM_NAME"
    "$SERVICE_FILE" restart
  fi
}

main() {
  setup_root
  # shellcheck disable=SC2086 # INSTALL_ORCHD_EXEC is split on spaces (noglob is on)
  setup_command ${INSTALL_ORCHD_EXEC} "$@"
  setup_init
  setup_names
  setup_env_file
  setup_tmp
  setup_binary
  PRE_HASHES=$(installed_hashes)
  install_deps
  setup_dirs
  install_binary
  create_symlinks
  create_killall
  create_uninstall
  create_env_file
  if [ "$INIT" = systemd ]; then create_systemd_service; else create_openrc_service; fi
  info "installed $SYSTEM_NAME ($CMD, $INIT)${R:+ under $R}"
  check_host
  enable_and_start
}

main "$@"
