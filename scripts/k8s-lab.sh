#!/usr/bin/env bash
# A tiny stand-in for a Kubernetes StatefulSet's network, for tests on one Linux machine (root):
# every "pod" is a network namespace with its own IP on a private bridge, and a dnsmasq answers
# the headless-service names (<pod>.<service>.<namespace>.svc.cluster.local). Deleting a pod
# removes its namespace and DNS record; creating it again may give it a different IP, as in
# Kubernetes, so only peers that use DNS names keep working.
#
# usage:
#   scripts/k8s-lab.sh up LAB_DIR                 bridge + dnsmasq (idempotent)
#   scripts/k8s-lab.sh pod-create LAB_DIR POD IP  namespace POD with IP (10.233.0.0/24), DNS record
#   scripts/k8s-lab.sh pod-exec POD CMD...        run CMD inside the pod's namespace
#   scripts/k8s-lab.sh pod-delete LAB_DIR POD     SIGKILL everything in POD, drop namespace and record
#   scripts/k8s-lab.sh cut POD_A POD_B / heal     drop traffic between two pods / remove every cut
#   scripts/k8s-lab.sh down LAB_DIR               delete every pod, the bridge and dnsmasq
set -euo pipefail

BRIDGE=bxlab0
BRIDGE_IP=10.233.0.1
SUFFIX=${LAB_DNS_SUFFIX:-boxoffice-headless.default.svc.cluster.local}

require_root() {
  [ "$(id -u)" = 0 ] || { echo "k8s-lab needs root (network namespaces)" >&2; exit 1; }
}

reload_dns() {
  local dir=$1
  [ -f "$dir/dnsmasq.pid" ] && kill -HUP "$(cat "$dir/dnsmasq.pid")" 2>/dev/null || true
}

cmd_up() {
  local dir=$1
  require_root
  mkdir -p "$dir"
  touch "$dir/hosts"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_IP/24" dev "$BRIDGE"
    ip link set "$BRIDGE" up
  fi
  if [ ! -f "$dir/dnsmasq.pid" ] || ! kill -0 "$(cat "$dir/dnsmasq.pid")" 2>/dev/null; then
    # Short TTL: a recreated pod's new address must be visible quickly, as with CoreDNS.
    dnsmasq --no-resolv --no-hosts --addn-hosts="$dir/hosts" --listen-address="$BRIDGE_IP" \
      --bind-interfaces --local-ttl=1 --neg-ttl=1 --pid-file="$dir/dnsmasq.pid" \
      --log-facility="$dir/dnsmasq.log" --user=root
  fi
}

cmd_pod_create() {
  local dir=$1 pod=$2 ip=$3
  require_root
  local host_if="bx-${pod: -8}" pod_if="eth0"
  ip netns add "$pod"
  ip link add "$host_if" type veth peer name "$pod_if" netns "$pod"
  ip link set "$host_if" master "$BRIDGE" up
  ip -n "$pod" addr add "$ip/24" dev "$pod_if"
  ip -n "$pod" link set "$pod_if" up
  ip -n "$pod" link set lo up
  ip -n "$pod" route add default via "$BRIDGE_IP"
  mkdir -p "/etc/netns/$pod"
  echo "nameserver $BRIDGE_IP" > "/etc/netns/$pod/resolv.conf"
  echo "$pod" > "/etc/netns/$pod/hostname"
  sed -i "/ $pod\.$SUFFIX\$/d" "$dir/hosts"
  echo "$ip $pod.$SUFFIX" >> "$dir/hosts"
  reload_dns "$dir"
}

cmd_pod_exec() {
  local pod=$1; shift
  exec ip netns exec "$pod" "$@"
}

cmd_pod_delete() {
  local dir=$1 pod=$2
  require_root
  local pids
  pids=$(ip netns pids "$pod" 2>/dev/null || true)
  [ -n "$pids" ] && kill -9 $pids 2>/dev/null || true
  sed -i "/ $pod\.$SUFFIX\$/d" "$dir/hosts"
  reload_dns "$dir"
  ip link del "bx-${pod: -8}" 2>/dev/null || true
  ip netns del "$pod" 2>/dev/null || true
  rm -rf "/etc/netns/$pod"
}

cmd_cut() {
  local a=$1 b=$2
  ip netns exec "$a" nft add table inet lab 2>/dev/null || true
  ip netns exec "$a" nft 'add chain inet lab filter { type filter hook input priority 0; }' 2>/dev/null || true
  local b_ip
  b_ip=$(ip -n "$b" -4 -o addr show eth0 | awk '{print $4}' | cut -d/ -f1)
  ip netns exec "$a" nft add rule inet lab filter ip saddr "$b_ip" drop
}

cmd_heal() {
  for ns in $(ip netns list | awk '{print $1}'); do
    ip netns exec "$ns" nft delete table inet lab 2>/dev/null || true
  done
}

cmd_down() {
  local dir=$1
  for line in $(cut -d' ' -f2 "$dir/hosts" 2>/dev/null | sed "s/\.$SUFFIX\$//"); do
    cmd_pod_delete "$dir" "$line"
  done
  [ -f "$dir/dnsmasq.pid" ] && kill "$(cat "$dir/dnsmasq.pid")" 2>/dev/null || true
  rm -f "$dir/dnsmasq.pid"
  ip link del "$BRIDGE" 2>/dev/null || true
}

command=${1:-}; shift || true
case "$command" in
  up) cmd_up "$@" ;;
  pod-create) cmd_pod_create "$@" ;;
  pod-exec) cmd_pod_exec "$@" ;;
  pod-delete) cmd_pod_delete "$@" ;;
  cut) cmd_cut "$@" ;;
  heal) cmd_heal ;;
  down) cmd_down "$@" ;;
  *) sed -n '2,16p' "$0"; exit 2 ;;
esac
