#!/usr/bin/env bash
# The docker client against this checkout's private daemon (scripts/containers/daemon.sh start):
#   scripts/containers/docker.sh images
#   scripts/containers/docker.sh logs boxoffice-0
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=docker-lib.sh
. "$ROOT/scripts/containers/docker-lib.sh"
if ! docker_daemon_running; then
  echo "the private Docker daemon is not running: scripts/containers/daemon.sh start" >&2
  exit 3
fi
exec env DOCKER_CONFIG="$DOCKER_DIR/client" "$DOCKER_CLI" -H "unix://$DOCKER_SOCKET" "$@"
