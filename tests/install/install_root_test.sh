#!/usr/bin/env bash
# shellcheck disable=SC2016,SC2054 # literal $ signs and commas are the point here
# scripts/install.sh into throwaway INSTALL_ORCHD_ROOT trees (the host is never touched):
#  1. a server under systemd: every unit directive, `systemd-analyze verify` of the unit, the
#     environment file (mode 0600, contents, read back by sh), the binary, the kubectl link, the
#     killall and uninstall scripts (executable, sh -n, shellcheck); a second run changes nothing
#     (paths, modes, sizes, mtimes, hashes); a changed flag rewrites the unit alone; killall
#     unmounts what pods mounted; uninstall leaves the tree as it was before the install;
#  2. an agent (ORCHD_URL + ORCHD_TOKEN): orchd-agent.service, its env file and uninstall script;
#     ORCHD_TOKEN_FILE, an explicit `agent` command, INSTALL_ORCHD_NAME;
#  3. a server and an agent in one tree: the agent's uninstall keeps the server; the server's
#     walks around a mount left in the data dir (what is mounted stays);
#  4. OpenRC: the init script (arguments read back by sh), env file, logrotate; idempotent;
#     uninstall;
#  5. bad input exits 1 with one "[ERROR]" line on stderr and writes nothing.
#
#   install_root_test.sh INSTALL_SH ORCHD_BINARY       (root; skipped otherwise)
#
# systemd-analyze verify runs with --root on a copy of the install tree to which the host's
# /usr/lib/systemd/system (the targets the unit depends on) is added: it loads the unit file as
# installed and checks that its ExecStart binary exists in that tree; a negative control (the
# copy without the binary) must fail.
set -euo pipefail

INSTALL_SH=$(realpath "$1")
ORCHD=$(realpath "$2")
# shellcheck source=tests/install/lib.sh
source "$(dirname "$0")/lib.sh"
need_root

WORK='' root='' copy='' # set by new_dir
new_dir WORK work
HAVE_SHELLCHECK=false
command -v shellcheck >/dev/null 2>&1 && HAVE_SHELLCHECK=true

# unit_values FILE KEY: the values of the KEY= lines of a unit file (continuations joined).
unit_values() {
  awk -v key="$2" '
    {
      line = $0
      while (line ~ /\\$/ && (getline more) > 0) {
        sub(/\\$/, "", line)
        sub(/^[ \t]+/, "", more)
        line = line more
      }
      if (index(line, key "=") == 1) print substr(line, length(key) + 2)
    }' "$1"
}

# base_tree ROOT: what a machine has before the install (some of the directories it uses).
base_tree() {
  mkdir -p "$1/etc" "$1/usr/local/share" "$1/var/lib" "$1/var/log" "$1/run"
  echo keep >"$1/etc/hostname"
  echo keep >"$1/usr/local/share/keep"
}

mode_of() { stat -c %a "$1"; }

# check_scripts ROOT UNINSTALL_NAME: killall and uninstall scripts, binary, kubectl link.
check_scripts() {
  local root=$1 bin=$1/usr/local/bin script
  check "binary is the given one" cmp -s "$ORCHD" "$bin/orchd"
  check_eq "binary mode" 755 "$(mode_of "$bin/orchd")"
  check_eq "kubectl link" orchd "$(readlink "$bin/kubectl")"
  for script in orchd-killall.sh "$2"; do
    check "$script exists" test -f "$bin/$script"
    check_eq "$script mode" 755 "$(mode_of "$bin/$script")"
    check "$script parses (sh -n)" sh -n "$bin/$script"
    if $HAVE_SHELLCHECK; then
      check "$script is shellcheck -s sh clean" shellcheck -s sh "$bin/$script"
    fi
    check "$script has the install root baked in" grep -qx "ROOT='$root'" "$bin/$script"
    check "$script keeps to the root (HOST_OPS=false)" grep -qx "HOST_OPS=false" "$bin/$script"
  done
  local name
  for name in POD_STATE_DIR=\$DATA_DIR/agent RUNC_ROOT=\$RUN_DIR/runc RUN_DIR=/run/orchd \
    DATA_DIR=\'/var/lib/orchd\' NETNS_DIR=/run/netns NETNS_PREFIX=orchd- BRIDGE=orchd0 \
    VXLAN=orchd.1 CHAIN_PREFIX=ORCHD-; do
    check "killall sets $name" grep -qxF "$name" "$bin/orchd-killall.sh"
  done
}

# check_unit ROOT NAME MODE ARGS: the systemd unit NAME.service and its directives.
check_unit() {
  local root=$1 unit=/etc/systemd/system/$2.service
  local file=$root$unit
  check "$unit exists" test -f "$file"
  check_eq "$unit mode" 644 "$(mode_of "$file")"
  local expect key
  while IFS='|' read -r key expect; do
    check_eq "$unit $key" "$expect" "$(unit_values "$file" "$key" | paste -sd '|')"
  done <<EOF
Type|notify
KillMode|process
Delegate|yes
Restart|always
RestartSec|5s
LimitNOFILE|1048576
LimitNPROC|infinity
LimitCORE|infinity
TasksMax|infinity
TimeoutStartSec|0
User|root
WantedBy|multi-user.target
After|network-online.target
Wants|network-online.target
EOF
  check_eq "$unit ExecStartPre" "-/sbin/modprobe br_netfilter|-/sbin/modprobe overlay" \
    "$(unit_values "$file" ExecStartPre | paste -sd '|')"
  check_eq "$unit EnvironmentFile" \
    "-/etc/default/%N|-/etc/sysconfig/%N|-/etc/systemd/system/$2.service.env" \
    "$(unit_values "$file" EnvironmentFile | paste -sd '|')"
  check_eq "$unit ExecStart" "/usr/local/bin/orchd $3$4" "$(unit_values "$file" ExecStart)"
  check "$unit Description names the mode" grep -qx "Description=orchd: lightweight Kubernetes ($3)" "$file"
}

# verify_unit ROOT UNIT: systemd-analyze verify of the unit as installed (see the header).
verify_unit() {
  local root=$1 unit=$2 copy out status
  if ! command -v systemd-analyze >/dev/null 2>&1 || [[ ! -d /usr/lib/systemd/system ]]; then
    log "systemd-analyze or /usr/lib/systemd/system missing: $unit not verified (skipped)"
    return
  fi
  new_dir copy verify
  cp -a "$root/." "$copy/"
  mkdir -p "$copy/usr/lib/systemd"
  cp -a /usr/lib/systemd/system "$copy/usr/lib/systemd/"
  status=0
  out=$(cd / && systemd-analyze verify --root="$copy" --man=no "$copy$unit" 2>&1) || status=$?
  check_eq "systemd-analyze verify $unit: status" 0 "$status"
  check_eq "systemd-analyze verify $unit: output" "" "$out"
  rm -f "$copy/usr/local/bin/orchd"
  status=0
  out=$(cd / && systemd-analyze verify --root="$copy" --man=no "$copy$unit" 2>&1) || status=$?
  check "verify fails once the binary is gone (it checks ExecStart in the tree)" \
    test "$status" -ne 0
  check "verify names the missing binary" grep -q "/usr/local/bin/orchd" <<<"$out"
  rm -rf "$copy"
}

# check_env_file FILE EXPECTED_CONTENT VAR=VALUE...: mode 0600, exact content, and each VAR reads
# back as VALUE when sh sources the file.
check_env_file() {
  local file=$1 content=$2 pair
  shift 2
  check "$file exists" test -f "$file"
  check_eq "$file mode" 600 "$(mode_of "$file")"
  check_eq "$file content" "$content" "$(cat "$file")"
  for pair in "$@"; do
    # shellcheck disable=SC2016 # for the inner sh
    check_eq "$file read back: ${pair%%=*}" "${pair#*=}" \
      "$(sh -c '. "$1"; eval "printf %s \"\$$2\""' sh "$file" "${pair%%=*}")"
  done
}

# check_idempotent ROOT OUT VAR...: a second install with the same input changes nothing.
check_idempotent() {
  local root=$1 out=$2 before after
  shift 2
  before=$(snapshot "$root" strict)
  run_install "$out" "$@"
  check_eq "second run: status" 0 "$RUN_STATUS"
  after=$(snapshot "$root" strict)
  check_eq "second run changes nothing (paths, modes, sizes, mtimes, hashes)" "$before" "$after"
  check_not_in "second run writes no file" writing "$out.out"
}

# ===== 1. server, systemd =====================================================================
log "server under systemd"
new_dir root server
base_tree "$root"
pristine=$(snapshot "$root")
server_env=(
  INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_INIT=systemd
  ORCHD_NODE_NAME=node-1 'ORCHD_TOKEN=s3cr$t "q" \n' HTTP_PROXY=http://proxy.example:3128
  no_proxy=localhost,10.0.0.0/8 'INSTALL_ORCHD_EXEC=--tls-san a.example'
  INSTALL_ORCHD_PRIVATE=not-kept
)
run_install "$WORK/s1" "${server_env[@]}" -- --node-label 'k=v w' '100%$x'
check_eq "server install: status" 0 "$RUN_STATUS"
((RUN_STATUS == 0)) || show "$WORK/s1.out" "$WORK/s1.err"
check_eq "server install: stderr" "" "$(cat "$WORK/s1.err")"
check_unit "$root" orchd server \
  ' "--tls-san" "a.example" "--node-label" "k=v w" "100%%$$x"'
check_env_file "$root/etc/systemd/system/orchd.service.env" \
  'HTTP_PROXY="http://proxy.example:3128"
ORCHD_NODE_NAME="node-1"
ORCHD_TOKEN="s3cr\$t \"q\" \\n"
no_proxy="localhost,10.0.0.0/8"' \
  'ORCHD_TOKEN=s3cr$t "q" \n' ORCHD_NODE_NAME=node-1
check_scripts "$root" orchd-uninstall.sh
check "no agent files" test ! -e "$root/etc/systemd/system/orchd-agent.service"
verify_unit "$root" /etc/systemd/system/orchd.service
check_idempotent "$root" "$WORK/s2" "${server_env[@]}" -- --node-label 'k=v w' '100%$x'

# A changed flag rewrites the unit, and nothing else.
touch -d @978307200 "$root/usr/local/bin/orchd" "$root/etc/systemd/system/orchd.service.env"
run_install "$WORK/s3" "${server_env[@]}" -- --node-name other
check_eq "changed flags: status" 0 "$RUN_STATUS"
check_eq "changed flags: ExecStart" \
  '/usr/local/bin/orchd server "--tls-san" "a.example" "--node-name" "other"' \
  "$(unit_values "$root/etc/systemd/system/orchd.service" ExecStart)"
check_eq "changed flags: binary untouched" 978307200 "$(stat -c %Y "$root/usr/local/bin/orchd")"
check_eq "changed flags: env file untouched" 978307200 \
  "$(stat -c %Y "$root/etc/systemd/system/orchd.service.env")"

# What a running node leaves: data, config, runc state, pod mounts, a network namespace file.
mkdir -p "$root/var/lib/orchd/server/db" "$root/var/lib/orchd/agent/pods/p1/volumes/v1" \
  "$root/etc/orchd" "$root/run/orchd/runc/c1" "$root/run/orchd/mnt" "$root/run/netns"
echo db >"$root/var/lib/orchd/server/db/state.db"
echo kubeconfig >"$root/etc/orchd/orchd.yaml"
echo '{"id":"c1","init_process_pid":1,"init_process_start":1}' >"$root/run/orchd/runc/c1/state.json"
touch "$root/run/netns/orchd-p1" "$root/run/netns/other"
mount -t tmpfs tmpfs "$root/var/lib/orchd/agent/pods/p1/volumes/v1"
echo in-volume >"$root/var/lib/orchd/agent/pods/p1/volumes/v1/file"
mount -t tmpfs tmpfs "$root/run/orchd/mnt"
mount --bind "$root/run/netns/orchd-p1" "$root/run/netns/orchd-p1"
status=0
"$root/usr/local/bin/orchd-killall.sh" >"$WORK/k.out" 2>"$WORK/k.err" || status=$?
check_eq "killall: status" 0 "$status"
check_eq "killall: stderr" "" "$(cat "$WORK/k.err")"
check_eq "killall: nothing mounted below the root any more" "" \
  "$(awk -v d="$root" 'index($2, d "/") == 1 { print $2 }' /proc/self/mounts)"
check "killall: the pod volume's mount point stays" test -d "$root/var/lib/orchd/agent/pods/p1/volumes/v1"
check "killall: the volume is unmounted" test ! -e "$root/var/lib/orchd/agent/pods/p1/volumes/v1/file"
check "killall: mount points under /run/orchd removed" test ! -e "$root/run/orchd/mnt"
check "killall: runc state removed" test ! -e "$root/run/orchd/runc"
check "killall: orchd's netns file removed" test ! -e "$root/run/netns/orchd-p1"
check "killall: other netns file kept" test -e "$root/run/netns/other"
check "killall: data kept" test -f "$root/var/lib/orchd/server/db/state.db"
check "killall: config kept" test -f "$root/etc/orchd/orchd.yaml"
check "killall: the service is not removed" test -f "$root/etc/systemd/system/orchd.service"

status=0
"$root/usr/local/bin/orchd-uninstall.sh" >"$WORK/u.out" 2>"$WORK/u.err" || status=$?
check_eq "uninstall: status" 0 "$status"
check_eq "uninstall: stderr" "" "$(cat "$WORK/u.err")"
rm -rf "$root/run/netns" # the test's own
check_eq "uninstall leaves the tree as it was before the install" "$pristine" "$(snapshot "$root")"

# ===== 2. agent, systemd ======================================================================
log "agent under systemd"
new_dir root agent
base_tree "$root"
pristine=$(snapshot "$root")
agent_env=(
  INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_INIT=systemd
  ORCHD_URL=https://10.0.0.1:6443 ORCHD_TOKEN=K10abc::server:secret
)
run_install "$WORK/a1" "${agent_env[@]}" -- --node-ip 10.0.0.2
check_eq "agent install: status" 0 "$RUN_STATUS"
((RUN_STATUS == 0)) || show "$WORK/a1.out" "$WORK/a1.err"
check_unit "$root" orchd-agent agent ' "--node-ip" "10.0.0.2"'
check_env_file "$root/etc/systemd/system/orchd-agent.service.env" \
  'ORCHD_TOKEN="K10abc::server:secret"
ORCHD_URL="https://10.0.0.1:6443"' ORCHD_URL=https://10.0.0.1:6443
check_scripts "$root" orchd-agent-uninstall.sh
check "agent: no server unit" test ! -e "$root/etc/systemd/system/orchd.service"
check "agent: no server uninstall script" test ! -e "$root/usr/local/bin/orchd-uninstall.sh"
verify_unit "$root" /etc/systemd/system/orchd-agent.service
check_idempotent "$root" "$WORK/a2" "${agent_env[@]}" -- --node-ip 10.0.0.2
status=0
"$root/usr/local/bin/orchd-agent-uninstall.sh" >"$WORK/au.out" 2>&1 || status=$?
check_eq "agent uninstall: status" 0 "$status"
check_eq "agent uninstall leaves the tree as it was" "$pristine" "$(snapshot "$root")"

# ORCHD_TOKEN_FILE instead of ORCHD_TOKEN; an explicit `agent` with --join and --token flags;
# INSTALL_ORCHD_NAME.
new_dir root agent-variants
run_install "$WORK/a3" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" \
  INSTALL_ORCHD_INIT=systemd ORCHD_URL=https://s:6443 ORCHD_TOKEN_FILE=/etc/orchd/token
check_eq "agent with ORCHD_TOKEN_FILE: status" 0 "$RUN_STATUS"
check "agent with ORCHD_TOKEN_FILE: env file" \
  grep -qx 'ORCHD_TOKEN_FILE="/etc/orchd/token"' "$root/etc/systemd/system/orchd-agent.service.env"
new_dir root agent-flags
run_install "$WORK/a4" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" \
  INSTALL_ORCHD_INIT=systemd 'INSTALL_ORCHD_EXEC=agent --join https://s:6443' -- --token=t
check_eq "explicit agent: status" 0 "$RUN_STATUS"
check_eq "explicit agent: ExecStart" \
  '/usr/local/bin/orchd agent "--join" "https://s:6443" "--token=t"' \
  "$(unit_values "$root/etc/systemd/system/orchd-agent.service" ExecStart 2>/dev/null)"
new_dir root named
run_install "$WORK/a5" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" \
  INSTALL_ORCHD_INIT=systemd INSTALL_ORCHD_NAME=edge -- --data-dir=/srv/orchd
check_eq "INSTALL_ORCHD_NAME: status" 0 "$RUN_STATUS"
check "INSTALL_ORCHD_NAME: orchd-edge.service" test -f "$root/etc/systemd/system/orchd-edge.service"
check "INSTALL_ORCHD_NAME: orchd-edge-uninstall.sh" test -x "$root/usr/local/bin/orchd-edge-uninstall.sh"
check "--data-dir reaches killall" grep -qx "DATA_DIR='/srv/orchd'" "$root/usr/local/bin/orchd-killall.sh"
mkdir -p "$root/srv/orchd/server"
"$root/usr/local/bin/orchd-edge-uninstall.sh" >/dev/null
check "--data-dir is what uninstall removes" test ! -e "$root/srv/orchd"
check "uninstall keeps the data dir's parent" test -d "$root/srv"

# ===== 3. a server and an agent in one tree ===================================================
log "server and agent in one tree"
new_dir root both
base_tree "$root"
pristine=$(snapshot "$root")
run_install "$WORK/b1" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_INIT=systemd
check_eq "both: server install" 0 "$RUN_STATUS"
run_install "$WORK/b2" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" \
  INSTALL_ORCHD_INIT=systemd ORCHD_URL=https://s:6443 ORCHD_TOKEN=t
check_eq "both: agent install" 0 "$RUN_STATUS"
status=0
"$root/usr/local/bin/orchd-agent-uninstall.sh" >"$WORK/b3.out" 2>&1 || status=$?
check_eq "both: agent uninstall status" 0 "$status"
check "both: agent unit removed" test ! -e "$root/etc/systemd/system/orchd-agent.service"
check "both: agent env removed" test ! -e "$root/etc/systemd/system/orchd-agent.service.env"
check "both: agent uninstall script removed" test ! -e "$root/usr/local/bin/orchd-agent-uninstall.sh"
for kept in etc/systemd/system/orchd.service usr/local/bin/orchd usr/local/bin/orchd-killall.sh \
  usr/local/bin/orchd-uninstall.sh usr/local/bin/kubectl; do
  check "both: $kept kept for the server" test -e "$root/$kept"
done
# A mount in the data dir that killall leaves alone (a host path a pod used, say).
mkdir -p "$root/var/lib/orchd/hostpath" "$root/var/lib/orchd/server"
echo db >"$root/var/lib/orchd/server/state.db"
mount -t tmpfs tmpfs "$root/var/lib/orchd/hostpath"
on_exit "umount -l '$root/var/lib/orchd/hostpath' 2>/dev/null"
echo precious >"$root/var/lib/orchd/hostpath/precious"
status=0
"$root/usr/local/bin/orchd-uninstall.sh" >"$WORK/b4.out" 2>&1 || status=$?
check_eq "both: server uninstall status" 0 "$status"
check "both: the mounted file survives" test -f "$root/var/lib/orchd/hostpath/precious"
check "both: uninstall says what it left" grep -q "leaving $root/var/lib/orchd/hostpath" "$WORK/b4.out"
check "both: the rest of the data dir is gone" test ! -e "$root/var/lib/orchd/server"
umount "$root/var/lib/orchd/hostpath"
rmdir "$root/var/lib/orchd/hostpath" "$root/var/lib/orchd"
check_eq "both: the tree is as it was (but for the mount left)" "$pristine" "$(snapshot "$root")"

# ===== 4. OpenRC ==============================================================================
log "server under OpenRC"
new_dir root openrc
base_tree "$root"
pristine=$(snapshot "$root")
tricky="it's=a \"b\" \$HOME \\ \`x\`"
openrc_env=(
  INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_INIT=openrc
  'ORCHD_TOKEN=a$b"c' 'INSTALL_ORCHD_EXEC=server --tls-san a.example'
)
run_install "$WORK/o1" "${openrc_env[@]}" -- --node-label "$tricky"
check_eq "openrc install: status" 0 "$RUN_STATUS"
((RUN_STATUS == 0)) || show "$WORK/o1.out" "$WORK/o1.err"
init=$root/etc/init.d/orchd
check "init script exists" test -f "$init"
check_eq "init script mode" 755 "$(mode_of "$init")"
check_eq "init script interpreter" '#!/sbin/openrc-run' "$(head -n 1 "$init")"
for line in supervisor=supervise-daemon name=orchd 'command="/usr/local/bin/orchd"' \
  output_log=/var/log/orchd.log error_log=/var/log/orchd.log 'pidfile="/var/run/orchd.pid"' \
  respawn_delay=5 respawn_max=0 rc_cgroup_cleanup=no '  after network-online' \
  '  /sbin/modprobe br_netfilter 2>/dev/null || true' \
  'if [ -f /etc/orchd/orchd.env ]; then . /etc/orchd/orchd.env; fi'; do
  check "init script has: $line" grep -qxF -- "$line" "$init"
done
check "init script parses (sh -n)" sh -n "$init"
if $HAVE_SHELLCHECK; then
  check "init script is shellcheck clean (but for openrc's variables)" \
    shellcheck -s sh -e SC2034,SC1091 "$init"
fi
# shellcheck disable=SC2016 # for the inner sh
args=$(sh -c "$(grep '^command_args=' "$init")"'
eval "set -- $command_args"; printf "%s\n" "$@"')
check_eq "command_args read back by sh" "server
--tls-san
a.example
--node-label
$tricky" "$args"
check_env_file "$root/etc/orchd/orchd.env" 'ORCHD_TOKEN="a\$b\"c"' 'ORCHD_TOKEN=a$b"c'
check_eq "logrotate config" "/var/log/orchd.log {
	missingok
	notifempty
	copytruncate
}" "$(cat "$root/etc/logrotate.d/orchd" 2>/dev/null)"
check "openrc: no systemd unit" test ! -e "$root/etc/systemd/system/orchd.service"
check_scripts "$root" orchd-uninstall.sh
check_idempotent "$root" "$WORK/o2" "${openrc_env[@]}" -- --node-label "$tricky"
echo log >"$root/var/log/orchd.log"
echo old >"$root/var/log/orchd.log.1"
status=0
"$root/usr/local/bin/orchd-uninstall.sh" >"$WORK/ou.out" 2>&1 || status=$?
check_eq "openrc uninstall: status" 0 "$status"
check_eq "openrc uninstall leaves the tree as it was" "$pristine" "$(snapshot "$root")"

# ===== 5. bad input ===========================================================================
log "bad input"
# bad_input DESCRIPTION MESSAGE_PART VAR=VALUE... [-- ARG...]: exit 1, one [ERROR] line holding
# MESSAGE_PART on stderr, nothing on stdout, and the root unchanged.
bad_input() {
  local what=$1 part=$2 root before
  shift 2
  new_dir root bad
  base_tree "$root"
  before=$(snapshot "$root" strict)
  run_install "$WORK/bad" INSTALL_ORCHD_ROOT="$root" "$@"
  check_eq "$what: status" 1 "$RUN_STATUS"
  check_eq "$what: stderr lines" 1 "$(wc -l <"$WORK/bad.err")"
  check "$what: stderr is an [ERROR] line holding '$part'" \
    grep -qF -- "[ERROR] " "$WORK/bad.err"
  check "$what: message names the problem ($(cat "$WORK/bad.err"))" grep -qF -- "$part" "$WORK/bad.err"
  check_eq "$what: stdout" "" "$(cat "$WORK/bad.out")"
  check_eq "$what: nothing written" "$before" "$(snapshot "$root" strict)"
}
bad_input "agent without a token" "ORCHD_TOKEN or ORCHD_TOKEN_FILE" \
  INSTALL_ORCHD_BIN="$ORCHD" ORCHD_URL=https://s:6443
bad_input "http:// server URL" "only https://" \
  INSTALL_ORCHD_BIN="$ORCHD" ORCHD_URL=http://s:6443 ORCHD_TOKEN=t
bad_input "http:// --join" "only https://" \
  INSTALL_ORCHD_BIN="$ORCHD" ORCHD_TOKEN=t -- agent --join http://s:6443
bad_input "agent without a URL" "ORCHD_URL" \
  INSTALL_ORCHD_BIN="$ORCHD" ORCHD_TOKEN=t INSTALL_ORCHD_EXEC=agent
bad_input "missing INSTALL_ORCHD_BIN" "INSTALL_ORCHD_BIN=/nonexistent/orchd: no such" \
  INSTALL_ORCHD_BIN=/nonexistent/orchd
bad_input "no binary at all" "set INSTALL_ORCHD_BIN" INSTALL_ORCHD_INIT=systemd
bad_input "unknown command" "unknown command 'serve'" \
  INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_EXEC=serve
bad_input "unknown init system" "INSTALL_ORCHD_INIT=upstart" \
  INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_INIT=upstart
bad_input "relative bin dir" "must be an absolute path" \
  INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_BIN_DIR=bin
bad_input "data dir /" "data dir must not be /" INSTALL_ORCHD_BIN="$ORCHD" -- --data-dir /
bad_input "data dir /var/lib" "must not be the system directory /var/lib" \
  INSTALL_ORCHD_BIN="$ORCHD" ORCHD_DATA_DIR=/var/lib/
bad_input "skip download without a binary" "no executable" INSTALL_ORCHD_SKIP_DOWNLOAD=true
run_install "$WORK/bad" INSTALL_ORCHD_ROOT="$WORK/missing-root" INSTALL_ORCHD_BIN="$ORCHD"
check_eq "missing INSTALL_ORCHD_ROOT: status" 1 "$RUN_STATUS"
check "missing INSTALL_ORCHD_ROOT: not created" test ! -e "$WORK/missing-root"

finish
