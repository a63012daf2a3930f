#!/usr/bin/env bash
# The verifier (verifier/): fault injection against a throw-away cluster of real booking nodes in network
# namespaces, with the linearizability and invariant check of the recorded history. Not part of bookingctl.
#
#   sudo scripts/chaos.sh                              60 s, 3 members, 8 clients, every fault kind
#   sudo scripts/chaos.sh --members 5 --duration 30m   a soak; --help lists every option
#   scripts/chaos.sh check target/chaos/RUN/history.jsonl --hold-millis 3000   re-check a recorded history
#
# Builds the booking node and the verifier jar when they are missing or older than their sources. A run keeps
# its history, nemesis log, report (with the replay command) and node logs under target/chaos/<run>/.
# See docs/fault-injection.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/java.sh"
. "$ROOT/scripts/lib/build.sh"
boxoffice_java_home
QUIET_OPTS=$(boxoffice_quiet_java_opts)
export MAVEN_OPTS="${MAVEN_OPTS:-} $QUIET_OPTS"
JAR="$ROOT/verifier/target/boxoffice-verifier-0.1.0-SNAPSHOT.jar"
NODE_JAR="$ROOT/booking-node/target/quarkus-app/quarkus-run.jar"

if [ "${CHAOS_SKIP_BUILD:-0}" != 1 ]; then
  if boxoffice_stale "$JAR" "$ROOT/verifier/src/main" "$ROOT/verifier/pom.xml" "$ROOT/testkit/src/main" \
       "$ROOT/proto/src/main"; then
    boxoffice_build chaos verifier
    touch "$JAR"
  fi
  if [ "${1:-}" != check ] && boxoffice_stale "$NODE_JAR" "$ROOT/booking-node/src/main" "$ROOT/raft/src/main" \
       "$ROOT/proto/src/main"; then
    boxoffice_build chaos booking-node
    touch "$NODE_JAR"
  fi
fi
exec "$JAVA_HOME/bin/java" $QUIET_OPTS -XX:+UseParallelGC -Dboxoffice.node.jar="$NODE_JAR" -jar "$JAR" "$@"
