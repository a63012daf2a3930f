#!/usr/bin/env bash
# Raft-layer benchmark: 3 nodes in one JVM, gRPC on loopback, RocksDB with fsync on every write,
# 200-byte entries. Prints committed entries/s and commit latency percentiles per concurrency.
# Runs from a fresh clone: the reactor builds proto and raft (nothing is installed into ~/.m2).
# usage: scripts/raft-benchmark.sh [seconds-per-run] [concurrencies] [data-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/java.sh
boxoffice_java_home
QUIET_OPTS=$(boxoffice_quiet_java_opts)
export MAVEN_OPTS="${MAVEN_OPTS:-} $QUIET_OPTS"
seconds=${1:-5}
concurrencies=${2:-1,16,64}
./mvnw -B -q -ntp -pl raft -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
cd raft
exec "$JAVA_HOME/bin/java" $QUIET_OPTS -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.boxoffice.raft.bench.RaftBenchmark "$seconds" "$concurrencies" ${3:+"$3"}
