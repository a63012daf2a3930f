# shellcheck shell=bash
# Sourced by the container scripts (images, the containerised cluster test): a private Docker daemon that
# leaves the host alone, and the tools it needs.
#
# The daemon has its own data root, exec root, socket, pid file and an empty configuration file (the host's
# /etc/docker/daemon.json is never read), and it never touches the host's firewall or routing:
#   --iptables=false     with the default, dockerd sets the iptables FORWARD policy to DROP, which cuts the
#                        bridged traffic of the project's network-namespace tests (ChaosShortRunIT, DnsDiscoveryIT)
#   --ip-forward=false   no sysctl change on the host
#   --bridge=none        no docker0; containers use user-defined networks, which still give --network-alias
#                        DNS names, container-to-container traffic and published ports. Without NAT a
#                        container on a bridge cannot reach the internet, so image builds use --network host.
# Expects ROOT (the repository root). Settings:
#   BOXOFFICE_DOCKER_DIR   data root, log and configuration of the daemon (default $ROOT/.boxoffice/docker)
#   BOXOFFICE_DOCKER_CLI   the docker client (default /usr/bin/docker, the one that matches Debian's daemon)

DOCKER_DIR=${BOXOFFICE_DOCKER_DIR:-$ROOT/.boxoffice/docker}
DOCKER_CLI=${BOXOFFICE_DOCKER_CLI:-/usr/bin/docker}
# Sockets and the exec root live under /run with a short name: a unix socket path has at most 107 bytes,
# and a worktree can be deep. The key ties them to this data root, so two checkouts get two daemons.
DOCKER_KEY=$(printf '%s' "$DOCKER_DIR" | sha256sum | cut -c1-10)
DOCKER_EXEC_ROOT=/run/boxoffice-docker/$DOCKER_KEY
DOCKER_SOCKET=$DOCKER_EXEC_ROOT/docker.sock
DOCKER_PIDFILE=$DOCKER_EXEC_ROOT/dockerd.pid
DOCKER_START_TIMEOUT_SECONDS=${BOXOFFICE_DOCKER_START_TIMEOUT_SECONDS:-60}
DOCKER_STOP_TIMEOUT_SECONDS=${BOXOFFICE_DOCKER_STOP_TIMEOUT_SECONDS:-30}

dk() { DOCKER_CONFIG="$DOCKER_DIR/client" "$DOCKER_CLI" -H "unix://$DOCKER_SOCKET" "$@"; }

# Installs docker.io and debootstrap from Debian when they are missing (root only). The packages' post-install
# scripts would start the system's docker service with its default flags (iptables!); a policy-rc.d that
# refuses every service start prevents that for the time of the installation.
containers_require_tools() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  [ -x "$DOCKER_CLI" ] || { [ "$DOCKER_CLI" = /usr/bin/docker ] && missing+=(docker.io); }
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "error: ${missing[*]} missing; install as root on Debian/Ubuntu: apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "       (the images and the container test also run their own Docker daemon, which needs root)" >&2
    return 1
  fi
  echo "Installing ${missing[*]} from Debian (services are not started: a private daemon is used)..."
  local policy=/usr/sbin/policy-rc.d added_policy=no
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# Added by boxoffice for the time of an apt-get install: start no service.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=yes
  fi
  local status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; } || status=$?
  if [ "$added_policy" = yes ]; then rm -f "$policy"; fi
  if [ "$status" -ne 0 ]; then
    echo "error: apt-get install ${missing[*]} failed (exit $status)" >&2
    return 1
  fi
}

docker_daemon_running() {
  [ -S "$DOCKER_SOCKET" ] && dk version --format '{{.Server.Version}}' >/dev/null 2>&1
}

# Starts the private daemon unless it runs already. Sets DOCKER_STARTED_HERE=yes when this call started it,
# so the caller stops only what it started.
docker_daemon_start() {
  DOCKER_STARTED_HERE=no
  if docker_daemon_running; then return 0; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "error: the private Docker daemon needs root (run as root, or in CI through .ci/run)" >&2
    return 1
  fi
  docker_daemon_cleanup_leftovers
  mkdir -p "$DOCKER_DIR/data" "$DOCKER_DIR/client" "$DOCKER_EXEC_ROOT"
  [ -f "$DOCKER_DIR/daemon.json" ] || echo '{}' >"$DOCKER_DIR/daemon.json"
  echo "==== $(date '+%F %T') start dockerd" >>"$DOCKER_DIR/dockerd.log"
  setsid dockerd \
    --config-file "$DOCKER_DIR/daemon.json" \
    --data-root "$DOCKER_DIR/data" \
    --exec-root "$DOCKER_EXEC_ROOT" \
    --host "unix://$DOCKER_SOCKET" \
    --pidfile "$DOCKER_PIDFILE" \
    --containerd-namespace "boxoffice-$DOCKER_KEY" \
    --containerd-plugins-namespace "boxoffice-$DOCKER_KEY-plugins" \
    --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
    --log-driver json-file --log-opt max-size=20m --log-opt max-file=2 \
    </dev/null >>"$DOCKER_DIR/dockerd.log" 2>&1 &
  local pid=$! deadline=$((SECONDS + DOCKER_START_TIMEOUT_SECONDS))
  until docker_daemon_running; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "error: dockerd exited during start-up; the end of $DOCKER_DIR/dockerd.log:" >&2
      tail -n 20 "$DOCKER_DIR/dockerd.log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "error: dockerd did not answer within ${DOCKER_START_TIMEOUT_SECONDS}s (log: $DOCKER_DIR/dockerd.log)" >&2
      kill -TERM "$pid" 2>/dev/null || true
      return 1
    fi
    sleep 0.3
  done
  DOCKER_STARTED_HERE=yes
}

# Stops the daemon (SIGTERM, SIGKILL after the timeout) and removes what it leaves behind.
docker_daemon_stop() {
  local pid waited=0
  pid=$(cat "$DOCKER_PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((DOCKER_STOP_TIMEOUT_SECONDS * 10)) ]; do
      sleep 0.1; waited=$((waited + 1))
    done
    if kill -0 "$pid" 2>/dev/null; then
      echo "warning: dockerd (pid $pid) did not stop within ${DOCKER_STOP_TIMEOUT_SECONDS}s: SIGKILL" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  docker_daemon_cleanup_leftovers
}

# A stopped daemon leaves its network-namespace mount (EXEC_ROOT/netns/default) and, after a crash, its
# socket and pid file; a new daemon cannot start on top of them.
docker_daemon_cleanup_leftovers() {
  local pid mount
  pid=$(cat "$DOCKER_PIDFILE" 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then return 0; fi
  # Deepest mounts first; the data root's overlay mounts only remain after a daemon crashed.
  for mount in $(awk -v exec="$DOCKER_EXEC_ROOT/" -v data="$DOCKER_DIR/data/" \
      'index($2 "/", exec) == 1 || index($2, data) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount "$mount" 2>/dev/null || umount -l "$mount" 2>/dev/null || true
  done
  rm -rf "$DOCKER_EXEC_ROOT"
}
