#!/usr/bin/env bash
# Builds the two images, boxoffice/booking-node and boxoffice/llm-service, on this machine: `./boxoffice images`.
#
# 1. installs docker.io and debootstrap from Debian when they are missing (as root);
# 2. starts a private Docker daemon (scripts/containers/docker-lib.sh: own data and exec roots, no iptables,
#    no IP forwarding, no default bridge) unless one runs already for this checkout;
# 3. makes the base image debian:trixie-slim available: present, or imported from a cached debootstrap
#    tarball (scripts/containers/debian-base.sh), or pulled with BOXOFFICE_BASE_PULL=1 where a registry answers;
# 4. packages the applications with the Maven wrapper when their jars are missing;
# 5. builds both Dockerfiles (docker build --network host: apt inside the build, no NAT on this daemon);
# 6. prints each image's size and build time, and stops the daemon if it started it (--keep-daemon leaves it).
#
# usage: scripts/containers/images.sh [--keep-daemon] [--refresh-base]
#   BOXOFFICE_IMAGE_TAG    tag of both images (default: the chart's appVersion)
#   BOXOFFICE_IMAGE_PREFIX repository prefix (default boxoffice/)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
# shellcheck source=docker-lib.sh
. scripts/containers/docker-lib.sh
# shellcheck source=debian-base.sh
. scripts/containers/debian-base.sh

KEEP_DAEMON=no
REFRESH_BASE=no
for argument in "$@"; do
  case "$argument" in
    --keep-daemon) KEEP_DAEMON=yes ;;
    --refresh-base) REFRESH_BASE=yes ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $argument (use --keep-daemon, --refresh-base)" >&2; exit 2 ;;
  esac
done

IMAGE_TAG=${BOXOFFICE_IMAGE_TAG:-$(sed -n 's/^appVersion: *"\{0,1\}\([^"]*\)"\{0,1\} *$/\1/p' helm/boxoffice/Chart.yaml)}
IMAGE_PREFIX=${BOXOFFICE_IMAGE_PREFIX:-boxoffice/}
MODULES=(booking-node llm-service)

stop_daemon_if_ours() {
  if [ "${DOCKER_STARTED_HERE:-no}" = yes ] && [ "$KEEP_DAEMON" = no ]; then
    docker_daemon_stop
  fi
}
trap stop_daemon_if_ours EXIT

containers_require_tools
docker_daemon_start
echo "Docker daemon: unix://$DOCKER_SOCKET (data in $DOCKER_DIR/data, log $DOCKER_DIR/dockerd.log)"

if [ "$REFRESH_BASE" = yes ]; then
  rm -f "$BASE_TARBALL"
  dk image rm "$BASE_IMAGE" >/dev/null 2>&1 || true
fi
base_start=$SECONDS
ensure_base_image
base_seconds=$((SECONDS - base_start))

missing=()
for module in "${MODULES[@]}"; do
  [ -f "$module/target/quarkus-app/quarkus-run.jar" ] || missing+=("$module")
done
if [ ${#missing[@]} -gt 0 ]; then
  JAVA_HOME=$(scripts/find-jdk.sh)
  export JAVA_HOME
  echo "Packaging ${missing[*]} (./mvnw package -DskipTests)..."
  ./mvnw -B -q -ntp package -DskipTests -pl "$(IFS=,; echo "${missing[*]}")" -am
fi

report=()
for module in "${MODULES[@]}"; do
  image="$IMAGE_PREFIX$module:$IMAGE_TAG"
  echo "Building $image ..."
  start=$SECONDS
  log="$DOCKER_DIR/build-$module.log"
  if ! dk build --force-rm --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" \
      -f "$module/src/main/docker/Dockerfile.jvm" -t "$image" "$module" >"$log" 2>&1; then
    echo "error: docker build of $image failed; the end of $log:" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
  seconds=$((SECONDS - start))
  bytes=$(dk image inspect --format '{{.Size}}' "$image")
  report+=("$(printf '  %-40s %6s MB  built in %3d s' "$image" "$((bytes / 1000000))" "$seconds")")
done
# Earlier builds of the same tags (untagged now) and the application stage's intermediate images go; the Java
# runtime stage stays as the cache of the next build (it carries neither label).
dk image prune -f --filter label=io.boxoffice.image >/dev/null 2>&1 || true
dk image prune -f --filter label=io.boxoffice.build-stage >/dev/null 2>&1 || true

echo "Images (docker image inspect .Size; base image step $base_seconds s):"
printf '%s\n' "${report[@]}"
echo "  base $BASE_IMAGE $(($(dk image inspect --format '{{.Size}}' "$BASE_IMAGE") / 1000000)) MB; the two images share it and the Java runtime layer"
if [ "$KEEP_DAEMON" = yes ] || [ "$DOCKER_STARTED_HERE" = no ]; then
  echo "The daemon keeps running: $DOCKER_CLI -H unix://$DOCKER_SOCKET images"
fi
