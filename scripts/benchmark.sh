#!/usr/bin/env bash
# The booking cluster and etcd, side by side, in one run on this machine (docs/BENCHMARKS.md):
#   1. etcd (Debian's etcd-server): 3 members on loopback, 200-byte puts from N blocking Java clients
#      (grpc-java, scripts/etcd-bench/EtcdPutBench.java) to the leader, for each N in $CLIENTS;
#   2. Boxoffice: 3 booking nodes (fsync on) in network namespaces, one-seat BookSeats from N clients to
#      the leader; then failover (SIGKILL the leader -> first booking acknowledged by the new leader,
#      $FAILOVER_TRIALS trials) and graceful stops of the leader under load (SIGTERM, $GRACEFUL_TRIALS).
#      The booking side is the verifier's cluster benchmark (scripts/chaos.sh benchmark).
# Needs root (network namespaces). On a fresh Debian machine it installs what it needs (etcd-server,
# etcd-client, iproute2, python3) and builds the booking node and the verifier with the reactor.
#
# usage: sudo scripts/benchmark.sh
#   CLIENTS=1,16,64 SECONDS_PER_LEVEL=20 WARMUP_SECONDS=5 START_WARMUP_SECONDS=30 FAILOVER_TRIALS=20 GRACEFUL_TRIALS=5
#                            (START_WARMUP_SECONDS: both systems first run the largest client count that long,
#                            unmeasured: the booking nodes and both load generators are JVMs, cold at first)
#   SKIP_BUILD=1             use the jars already built
#   VERIFIER_CLASSPATH=...   run the harness from this classpath instead of the verifier jar
#   NODE_JAR=...             booking node quarkus-run.jar (default booking-node/target/quarkus-app/quarkus-run.jar)
#   OUT=dir                  where raw output and results.md go (default target/benchmark/<UTC time>)
#   FORCE=1                  run although the machine is busy (1-minute load average >= 0.5): the
#                            numbers are then marked as not evidence
# Exits non-zero when the cluster fails or any level had an error; the table is printed either way.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/java.sh
boxoffice_java_home
QUIET_OPTS=$(boxoffice_quiet_java_opts)
export MAVEN_OPTS="${MAVEN_OPTS:-} $QUIET_OPTS"
JAVA="$JAVA_HOME/bin/java"
CLIENTS=${CLIENTS:-1,16,64}
SECONDS_PER_LEVEL=${SECONDS_PER_LEVEL:-20}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
START_WARMUP_SECONDS=${START_WARMUP_SECONDS:-30}
FAILOVER_TRIALS=${FAILOVER_TRIALS:-20}
GRACEFUL_TRIALS=${GRACEFUL_TRIALS:-5}
OUT=${OUT:-target/benchmark/$(date -u +%Y%m%dT%H%M%SZ)}
NODE_JAR=${NODE_JAR:-booking-node/target/quarkus-app/quarkus-run.jar}
ETCD_PORT_BASE=${ETCD_PORT_BASE:-19379}

[ "$(id -u)" = 0 ] || { echo "run as root (sudo scripts/benchmark.sh): the booking nodes run in network namespaces" >&2; exit 1; }
missing=()
command -v etcd >/dev/null || missing+=(etcd-server etcd-client)
command -v ip >/dev/null || [ -x /usr/sbin/ip ] || missing+=(iproute2)
command -v python3 >/dev/null || missing+=(python3)
if [ "${#missing[@]}" -gt 0 ]; then
  command -v apt-get >/dev/null || { echo "install ${missing[*]} (Debian package names) first" >&2; exit 1; }
  echo "installing ${missing[*]} from Debian"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
mkdir -p "$OUT"

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  ./mvnw -B -ntp -q -pl booking-node,verifier -am package -DskipTests
  ./mvnw -B -ntp -q -pl raft -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
fi
# Measured only on a quiet machine: a number taken under load is not evidence. (After the build, which
# itself loads the machine: give it a moment to settle.)
load1=$(cut -d' ' -f1 /proc/loadavg)
for _ in $(seq 1 30); do
  awk -v l="$load1" 'BEGIN {exit !(l < 0.5)}' && break
  sleep 10
  load1=$(cut -d' ' -f1 /proc/loadavg)
done
FORCED=""
if ! awk -v l="$load1" 'BEGIN {exit !(l < 0.5)}'; then
  if [ "${FORCE:-0}" != 1 ]; then
    echo "the machine is busy (1-minute load average $load1 >= 0.5): numbers taken now are not evidence." >&2
    echo "Stop what else runs (pgrep -af java), or FORCE=1 to measure anyway." >&2
    exit 2
  fi
  FORCED=" (FORCED under load: not evidence)"
fi
CLASSPATH_ARG=${VERIFIER_CLASSPATH:-verifier/target/boxoffice-verifier-0.1.0-SNAPSHOT.jar}

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpus: $(nproc)"
  echo "cpu: $(lscpu | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}')"
  echo "memory: $(free -g | awk '/Mem:/ {print $2 " GiB"}')"
  echo "kernel: $(uname -r)"
  echo "java: $("$JAVA" -version 2>&1 | head -1)"
  echo "etcd: $(etcd --version | head -1)"
  echo "disk of data dirs: $(df -h "$OUT" | awk 'NR==2 {print $1 " " $2}')"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)$FORCED"
} | tee "$OUT/machine.txt"

# ---------------------------------------------------------------- etcd
ETCD_DIR="$OUT/etcd-data"; mkdir -p "$ETCD_DIR"
ETCD_PIDS=()
cleanup() {
  for pid in "${ETCD_PIDS[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done
  for pid in "${ETCD_PIDS[@]:-}"; do [ -n "$pid" ] && wait "$pid" 2>/dev/null || true; done
  rm -rf "$ETCD_DIR"
}
trap cleanup EXIT
initial=""
for i in 1 2 3; do
  peer=$((ETCD_PORT_BASE + 2 * i - 1))
  initial="${initial:+$initial,}e$i=http://127.0.0.1:$peer"
done
endpoints=""
for i in 1 2 3; do
  client=$((ETCD_PORT_BASE + 2 * i - 2)); peer=$((client + 1))
  endpoints="${endpoints:+$endpoints,}127.0.0.1:$client"
  etcd --name "e$i" --data-dir "$ETCD_DIR/e$i" \
    --listen-client-urls "http://127.0.0.1:$client" --advertise-client-urls "http://127.0.0.1:$client" \
    --listen-peer-urls "http://127.0.0.1:$peer" --initial-advertise-peer-urls "http://127.0.0.1:$peer" \
    --initial-cluster "$initial" --initial-cluster-state new --initial-cluster-token boxoffice-bench \
    --log-level error > "$OUT/etcd-e$i.log" 2>&1 &
  ETCD_PIDS+=($!)
done
leader=""
for _ in $(seq 1 60); do
  leader=$(ETCDCTL_API=3 etcdctl --endpoints="$endpoints" endpoint status 2>/dev/null \
    | awk -F', ' '$5 == "true" {print $1}') || true
  [ -n "$leader" ] && break
  sleep 0.5
done
[ -n "$leader" ] || { echo "etcd did not elect a leader; see $OUT/etcd-e*.log" >&2; exit 1; }
echo "etcd leader: $leader"
"$JAVA" $QUIET_OPTS -cp "$CLASSPATH_ARG" scripts/etcd-bench/EtcdPutBench.java --endpoint "$leader" --clients "$CLIENTS" \
  --start-warmup "$START_WARMUP_SECONDS" --warmup "$WARMUP_SECONDS" --seconds "$SECONDS_PER_LEVEL" --value-bytes 200 \
  | tee "$OUT/etcd.txt"
cleanup
trap - EXIT

# ---------------------------------------------------------------- the Raft layer, for scale
( cd raft && "$JAVA" $QUIET_OPTS -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
  -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.boxoffice.raft.bench.RaftBenchmark "$SECONDS_PER_LEVEL" 64 ) 2>&1 | grep -v '^WARNING' | tee "$OUT/raft.txt"

# ---------------------------------------------------------------- booking cluster
set +e
"$JAVA" $QUIET_OPTS -cp "$CLASSPATH_ARG" io.boxoffice.verifier.chaos.ChaosCommand benchmark --node-jar "$NODE_JAR" \
  --clients "$CLIENTS" --start-warmup-seconds "$START_WARMUP_SECONDS" --warmup-seconds "$WARMUP_SECONDS" \
  --seconds "$SECONDS_PER_LEVEL" \
  --failover-trials "$FAILOVER_TRIALS" --graceful-trials "$GRACEFUL_TRIALS" --out-dir "$OUT" 2>&1 \
  | grep -v -e '^WARNING' -e 'TcpMetrics' -e '^INFO: Epoll' -e '^$' | tee "$OUT/booking.txt"
booking_status=${PIPESTATUS[0]}
set -e

# ---------------------------------------------------------------- table
python3 - "$OUT" <<'PY' | tee "$OUT/results.md"
import re, sys, pathlib
out = pathlib.Path(sys.argv[1])
def rows(name, prefix):
    result = {}
    for line in (out / name).read_text().splitlines():
        if line.startswith(prefix + " clients="):
            fields = dict(kv.split("=", 1) for kv in line.split()[1:])
            result[int(fields["clients"])] = fields
    return result
etcd, ours = rows("etcd.txt", "etcd"), rows("booking.txt", "booking")
print("| clients | Boxoffice bookings/s | p50 ms | p99 ms | etcd puts/s | p50 ms | p99 ms | ratio (ours/etcd) |")
print("|---|---|---|---|---|---|---|---|")
for clients in sorted(set(etcd) | set(ours)):
    o, e = ours.get(clients, {}), etcd.get(clients, {})
    ratio = float(o["per_second"]) / float(e["per_second"]) if o and e and float(e["per_second"]) > 0 else float("nan")
    print(f"| {clients} | {o.get('per_second','-')} | {o.get('p50_ms','-')} | {o.get('p99_ms','-')} | "
          f"{e.get('per_second','-')} | {e.get('p50_ms','-')} | {e.get('p99_ms','-')} | {ratio:.2f}x |")
for line in (out / "booking.txt").read_text().splitlines():
    if line.startswith(("failover ", "graceful ")):
        print()
        print("    " + line)
for line in (out / "raft.txt").read_text().splitlines():
    if line.startswith("concurrency  64:"):
        print()
        print("    Raft layer alone (scripts/raft-benchmark.sh, 64 proposers): " + line.strip())
print()
print("    " + next(l for l in (out / "machine.txt").read_text().splitlines() if l.startswith("load average")))
PY
echo "results: $OUT/results.md"
errors=$(awk '/^booking clients=/ {for (i = 1; i <= NF; i++) if ($i ~ /^errors=/) {split($i, kv, "="); sum += kv[2]}} END {print sum + 0}' "$OUT/booking.txt")
levels=$(grep -c '^booking clients=' "$OUT/booking.txt" || true)
expected_levels=$(echo "$CLIENTS" | tr ',' '\n' | grep -c .)
if [ "$booking_status" != 0 ] || [ "$errors" != 0 ] || [ "$levels" != "$expected_levels" ]; then
  echo "FAILED: booking benchmark exit status $booking_status, $errors errors, $levels of $expected_levels levels measured" >&2
  exit 1
fi
