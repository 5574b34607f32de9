#!/usr/bin/env bash
# shellcheck disable=SC2317 # the helpers are called through `check`
# orchd-killall.sh against real interfaces, namespaces, rules, processes and mounts, all made in
# throwaway network, PID and mount namespaces (unshare; /run is a tmpfs there), so the host's are
# never touched. The script is the one the installer writes (into an INSTALL_ORCHD_ROOT), with
# its header switched to a host install: ROOT='', HOST_OPS=true, and DATA_DIR, SYSTEMD_DIR and
# INITD_DIR in a scratch directory; `runc` is a stub that logs its arguments. Checks:
#   * it stops the OpenRC service (the stub init script is called with `stop`);
#   * it kills each container's init process and everything below it (runc's state.json, the
#     start time must match: a reused PID is spared), and any `runc --root /run/orchd/runc`
#     process with its children; other processes live;
#   * it deletes the veths enslaved to orchd0, orchd0, orchd.1 and the orchd-* network
#     namespaces, but not keep1, orchd01 nor keepns;
#   * it removes the ORCHD-* chains, the rules jumping to them and the rules on orchd0 from
#     iptables (filter, nat) and ip6tables, and keeps every other chain and rule;
#   * it unmounts what pods mounted (removing mount points under /run/orchd), removes runc's
#     state, and keeps orchd's data;
#   * run again, and run where none of it exists, it prints nothing and exits 0.
#
#   install_killall_test.sh INSTALL_SH ORCHD_BINARY   (root, unshare, ip, iptables; else skipped)
set -euo pipefail

# --- inside the namespaces ---------------------------------------------------------------------
if [[ "${1:-}" == --inner || "${1:-}" == --inner-empty ]]; then
  mode=$1
  WORK=$2
  KILLALL=$3
  # shellcheck source=tests/install/lib.sh
  source "$(dirname "$0")/lib.sh"
  TEST_NAME="install_killall_test (namespaces)"
  mount -t tmpfs tmpfs /run
  DATA=$WORK/data
  export PATH=$WORK/bin:$PATH

  run_killall() {
    KILLALL_STATUS=0
    sh "$KILLALL" >"$WORK/$1.out" 2>"$WORK/$1.err" || KILLALL_STATUS=$?
  }

  if [[ "$mode" == --inner-empty ]]; then
    run_killall empty
    check_eq "nothing to do: status" 0 "$KILLALL_STATUS"
    check_eq "nothing to do: stdout" "" "$(cat "$WORK/empty.out")"
    check_eq "nothing to do: stderr" "" "$(cat "$WORK/empty.err")"
    check_eq "nothing to do: runc not called" "" "$(cat "$WORK/runc.log" 2>/dev/null)"
    finish
  fi

  # alive PID: the process exists and is not a zombie.
  alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    [[ "${stat##*) }" != Z* ]]
  }
  dead() { ! alive "$1"; }
  start_time() {
    local stat
    stat=$(cat "/proc/$1/stat")
    read -ra fields <<<"${stat##*) }"
    echo "${fields[19]}"
  }
  # child_of PID: the one child of PID (waits until it exists).
  child_of() {
    local child='' stat_file stat fields
    for _ in $(seq 100); do
      for stat_file in /proc/[0-9]*/stat; do
        stat=$(cat "$stat_file" 2>/dev/null) || continue
        read -ra fields <<<"${stat##*) }"
        if [[ "${fields[1]}" == "$1" ]]; then
          child=${stat%% *}
          break 2
        fi
      done
      sleep 0.05
    done
    echo "$child"
  }

  # Network.
  ip link set lo up
  ip link add orchd0 type bridge
  for veth in vo1 vo2; do
    ip link add "$veth" type veth peer name "${veth}p"
    ip link set "$veth" master orchd0
  done
  ip link add keep1 type veth peer name keep1p
  ip link add orchd01 type bridge
  ip link add orchd.1 type vxlan id 1 dstport 8472 nolearning
  for ns in orchd-p1 orchd-p2 keepns; do ip netns add "$ns"; done
  iptables-restore <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:ORCHD-FORWARD - [0:0]
:KEEP-CHAIN - [0:0]
-A INPUT -j KEEP-CHAIN
-A FORWARD -j ORCHD-FORWARD
-A FORWARD -i orchd0 -j ACCEPT
-A FORWARD -o orchd0 -j ACCEPT
-A FORWARD -i orchd01 -j ACCEPT
-A ORCHD-FORWARD -j ACCEPT
-A KEEP-CHAIN -p tcp --dport 22 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:ORCHD-POSTROUTING - [0:0]
:ORCHD-SERVICES - [0:0]
-A PREROUTING -j ORCHD-SERVICES
-A POSTROUTING -j ORCHD-POSTROUTING
-A POSTROUTING -s 192.168.0.0/16 -j MASQUERADE
-A ORCHD-POSTROUTING -s 10.42.0.0/16 -j MASQUERADE
COMMIT
EOF
  ip6tables-restore <<'EOF'
*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:ORCHD-FORWARD6 - [0:0]
:KEEP6 - [0:0]
-A FORWARD -j ORCHD-FORWARD6
-A INPUT -j KEEP6
COMMIT
EOF

  # Processes: a container (init and a child), a runc process with a child, a stale state, a
  # state whose PID now belongs to another process, and a bystander.
  mkdir -p /run/orchd/runc/c1 /run/orchd/runc/c2 /run/orchd/runc/c3
  sh -c 'sleep 1001 & wait' &
  pod_init=$!
  disown
  pod_child=$(child_of "$pod_init")
  echo "{\"id\":\"c1\",\"init_process_pid\":$pod_init,\"init_process_start\":$(start_time "$pod_init"),\"created\":\"x\"}" \
    >/run/orchd/runc/c1/state.json
  echo '{"id":"c2","init_process_pid":999999,"init_process_start":1}' >/run/orchd/runc/c2/state.json
  sleep 1002 &
  reused=$!
  echo "{\"id\":\"c3\",\"init_process_pid\":$reused,\"init_process_start\":$(($(start_time "$reused") + 1))}" \
    >/run/orchd/runc/c3/state.json
  sh -c 'sleep 1003; :' runc --root /run/orchd/runc exec c1 &
  runc_proc=$!
  disown
  runc_child=$(child_of "$runc_proc")
  sleep 1004 &
  bystander=$!

  # Mounts and data.
  mkdir -p "$DATA/agent/pods/p1/vol" "$DATA/server/db" /run/orchd/m
  echo db >"$DATA/server/db/state.db"
  mount -t tmpfs tmpfs "$DATA/agent/pods/p1/vol"
  echo x >"$DATA/agent/pods/p1/vol/file"
  mount -t tmpfs tmpfs /run/orchd/m

  run_killall first
  check_eq "status" 0 "$KILLALL_STATUS"
  check_eq "stderr" "" "$(cat "$WORK/first.err")"
  check_eq "the OpenRC service is stopped" stop "$(cat "$WORK/initd.log" 2>/dev/null)"
  for id in c1 c2 c3; do
    check "runc delete --force $id" grep -qxF -- "--root /run/orchd/runc delete --force $id" "$WORK/runc.log"
  done
  for pid in "$pod_init" "$pod_child" "$runc_proc" "$runc_child"; do
    check "process $pid killed" dead "$pid"
  done
  check "the process that reused a container's PID lives" alive "$reused"
  check "the bystander lives" alive "$bystander"
  links=$(ip -o link show | awk '{ print $2 }' | sed 's/:$//; s/@.*//' | sort | paste -sd ' ')
  check_eq "interfaces left" "keep1 keep1p lo orchd01" "$links"
  check_eq "network namespaces left" keepns "$(ip netns list | awk '{ print $1 }' | paste -sd ' ')"
  rules=$(iptables-save | grep -v '^[#]' | sed 's/ \[[0-9]*:[0-9]*\]$//')
  check_eq "iptables rules left" "*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
:KEEP-CHAIN -
-A INPUT -j KEEP-CHAIN
-A FORWARD -i orchd01 -j ACCEPT
-A KEEP-CHAIN -p tcp -m tcp --dport 22 -j ACCEPT
COMMIT
*nat
:PREROUTING ACCEPT
:INPUT ACCEPT
:OUTPUT ACCEPT
:POSTROUTING ACCEPT
-A POSTROUTING -s 192.168.0.0/16 -j MASQUERADE
COMMIT" "$rules"
  rules6=$(ip6tables-save | grep -v '^[#]' | sed 's/ \[[0-9]*:[0-9]*\]$//')
  check_eq "ip6tables rules left" "*filter
:INPUT ACCEPT
:FORWARD ACCEPT
:OUTPUT ACCEPT
:KEEP6 -
-A INPUT -j KEEP6
COMMIT" "$rules6"
  check_eq "nothing mounted under /run/orchd or the pods' dir" "" \
    "$(awk -v a=/run/orchd -v b="$DATA/agent" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/self/mounts)"
  check "mount points under /run/orchd removed" test ! -e /run/orchd/m
  check "runc state removed" test ! -e /run/orchd/runc
  check "the pod's volume dir stays, unmounted" test -d "$DATA/agent/pods/p1/vol" -a ! -e "$DATA/agent/pods/p1/vol/file"
  check "data kept" test -f "$DATA/server/db/state.db"

  rm -f "$WORK/initd/orchd" "$WORK/runc.log"
  run_killall second
  check_eq "second run: status" 0 "$KILLALL_STATUS"
  check_eq "second run: stdout" "" "$(cat "$WORK/second.out")"
  check_eq "second run: stderr" "" "$(cat "$WORK/second.err")"
  check_eq "second run: runc not called" "" "$(cat "$WORK/runc.log" 2>/dev/null)"
  finish
fi

INSTALL_SH=$(realpath "$1")
ORCHD=$(realpath "$2")
# shellcheck source=tests/install/lib.sh
source "$(dirname "$0")/lib.sh"
need_root
for tool in unshare ip iptables-save iptables-restore ip6tables-save ip6tables-restore; do
  need_tool "$tool"
done
unshare --net --mount --pid --fork --mount-proc true 2>/dev/null ||
  skip "cannot make network, mount and PID namespaces here"
unshare --net sh -c 'ip link add t0 type bridge && ip link add t1 type vxlan id 1 dstport 8472 &&
  ip link add t2 type veth peer name t3 && iptables-save >/dev/null' \
  2>/dev/null || skip "no bridge, vxlan, veth or iptables support in this kernel"

WORK='' root='' # set by new_dir
new_dir WORK work
new_dir root root
run_install "$WORK/install" INSTALL_ORCHD_ROOT="$root" INSTALL_ORCHD_BIN="$ORCHD" INSTALL_ORCHD_INIT=systemd
check_eq "install: status" 0 "$RUN_STATUS"

# The host-install form of the installed killall.
killall=$WORK/orchd-killall.sh
sed -e "s|^ROOT=.*|ROOT=''|" -e 's|^HOST_OPS=.*|HOST_OPS=true|' \
  -e "s|^DATA_DIR=.*|DATA_DIR='$WORK/data'|" -e "s|^SYSTEMD_DIR=.*|SYSTEMD_DIR='$WORK/systemd'|" \
  -e "s|^INITD_DIR=.*|INITD_DIR=$WORK/initd|" "$root/usr/local/bin/orchd-killall.sh" >"$killall"
check_eq "five header lines switched" 5 \
  "$(diff "$root/usr/local/bin/orchd-killall.sh" "$killall" | grep -c '^>')"
mkdir -p "$WORK/bin" "$WORK/systemd" "$WORK/initd" "$WORK/data"
cat >"$WORK/bin/runc" <<EOF
#!/bin/sh
echo "\$*" >>'$WORK/runc.log'
exit 1
EOF
cat >"$WORK/initd/orchd" <<EOF
#!/bin/sh
echo "\$*" >>'$WORK/initd.log'
EOF
chmod 755 "$WORK/bin/runc" "$WORK/initd/orchd"

status=0
unshare --net --mount --pid --fork --mount-proc --propagation private \
  bash "$0" --inner "$WORK" "$killall" || status=$?
check_eq "killall with everything in place (checks above)" 0 "$status"
rm -rf "${WORK:?}/data" "$WORK/initd/orchd"
status=0
unshare --net --mount --pid --fork --mount-proc --propagation private \
  bash "$0" --inner-empty "$WORK" "$killall" || status=$?
check_eq "killall with nothing in place (checks above)" 0 "$status"
finish
