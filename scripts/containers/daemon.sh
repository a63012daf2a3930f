#!/usr/bin/env bash
# The private Docker daemon of this checkout (see docker-lib.sh for what makes it private).
#
# usage: scripts/containers/daemon.sh start    start it unless it runs (installs docker.io when missing, as root);
#                                              prints "socket: PATH" and "started: yes|no"
#        scripts/containers/daemon.sh stop     stop it and remove what it leaves (the netns mount of its exec root)
#        scripts/containers/daemon.sh status   whether it runs, and its socket
# Any docker command against it: scripts/containers/docker.sh ps -a
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
# shellcheck source=docker-lib.sh
. scripts/containers/docker-lib.sh

case "${1:-}" in
  start)
    containers_require_tools
    docker_daemon_start
    echo "socket: $DOCKER_SOCKET"
    echo "started: $DOCKER_STARTED_HERE"
    ;;
  stop)
    docker_daemon_stop
    echo "stopped (data kept in $DOCKER_DIR/data)"
    ;;
  status)
    if docker_daemon_running; then echo "running: unix://$DOCKER_SOCKET"; else echo "not running (socket would be $DOCKER_SOCKET)"; exit 3; fi
    ;;
  *)
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
    ;;
esac
