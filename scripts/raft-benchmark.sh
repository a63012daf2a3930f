#!/usr/bin/env bash
# Raft-layer benchmark: 3 nodes in one JVM, gRPC on loopback, RocksDB with fsync on every write,
# 200-byte entries. Prints committed entries/s and commit latency percentiles per concurrency.
# usage: scripts/raft-benchmark.sh [seconds-per-run] [concurrencies] [data-dir]
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
seconds=${1:-5}
concurrencies=${2:-1,16,64}
./mvnw -B -q install -DskipTests -pl proto
./mvnw -B -q test-compile -f raft/pom.xml
./mvnw -B -q -f raft/pom.xml dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt \
  -Dmdep.includeScope=test
cd raft
exec "$JAVA_HOME/bin/java" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.boxoffice.raft.bench.RaftBenchmark "$seconds" "$concurrencies" ${3:+"$3"}
