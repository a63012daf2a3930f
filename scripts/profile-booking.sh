#!/usr/bin/env bash
# CPU profile of the booking path (docs/BENCHMARKS.md#cpu-per-booking): a separate 3-node cluster started by
# `./boxoffice up` with Java Flight Recorder on every node, `bookingctl bench` booking one seat per request
# (only BookSeats) from CLIENTS clients for SECONDS, then for the leader: CPU time per booking (from
# /proc/PID/stat) and where it went (JFR execution samples: by component and the hottest methods).
#
# Refuses to start while the 1-minute load average is 0.5 or more unless --force (the profile's shares are
# still telling under load; the CPU per booking is not). Builds what is stale through ./boxoffice up.
# Always stops the cluster it started.
#
# usage: scripts/profile-booking.sh [--clients N] [--seconds S] [--force] [--out DIR]
#   PROFILE_PORT_OFFSET=2600   ports of the profiled cluster (client 9101+offset..)
set -euo pipefail
cd "$(dirname "$0")/.."

CLIENTS=16
SECONDS_MEASURED=45
FORCE=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --clients) CLIENTS=$2; shift 2 ;;
    --seconds) SECONDS_MEASURED=$2; shift 2 ;;
    --force) FORCE=1; shift ;;
    --out) OUT=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "profile: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
done

LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
if awk -v load="$LOAD_AT_START" 'BEGIN { exit !(load >= 0.5) }'; then
  if [ "$FORCE" != 1 ]; then
    echo "profile: the 1-minute load average is $LOAD_AT_START (>= 0.5); wait for a quiet machine or pass --force" >&2
    exit 2
  fi
  echo "profile: load average $LOAD_AT_START: running anyway (--force); the CPU per booking is NOT EVIDENCE"
fi
. scripts/lib/java.sh
boxoffice_java_home || exit 2

PORT_OFFSET=${PROFILE_PORT_OFFSET:-2600}
OUT=${OUT:-target/profile/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT/jfr"
OUT=$(cd "$OUT" && pwd)
STATE="$OUT/cluster"
export BOXOFFICE_STATE_DIR="$STATE" BOXOFFICE_PORT_OFFSET="$PORT_OFFSET" BOXOFFICE_LOCAL_CLUSTER_ID=boxoffice-profile
# The launcher's memory settings plus a recording on every node ("profile": execution samples every 10 ms).
export BOXOFFICE_NODE_JAVA_OPTS="-Xms64m -Xmx224m -XX:MaxMetaspaceSize=160m -XX:-ClassUnloadingWithConcurrentMark -XX:+ExitOnOutOfMemoryError -XX:StartFlightRecording=name=profile,settings=profile"
NODE_LIST="node1=127.0.0.1:$((9101 + PORT_OFFSET)),node2=127.0.0.1:$((9102 + PORT_OFFSET)),node3=127.0.0.1:$((9103 + PORT_OFFSET))"

cleanup() {
  local rc=$?
  trap - EXIT
  ./boxoffice down >"$OUT/down.log" 2>&1 || true
  rm -rf "$STATE/data" "$STATE/app"
  exit "$rc"
}
trap cleanup EXIT

echo "profile: starting the cluster (state $STATE)"
./boxoffice up >"$OUT/up.log" 2>&1 || { tail -n 20 "$OUT/up.log" >&2; exit 1; }
./boxoffice stop llm >>"$OUT/up.log" 2>&1 || true
LEADER=$(./boxoffice leader)
PID=$(cat "$STATE/run/$LEADER.pid")
HTTP=$((8100 + ${LEADER#node} + PORT_OFFSET))
confirmed() {
  curl -fsS "http://127.0.0.1:$HTTP/q/metrics" | awk '/^boxoffice_bookings_total\{.*outcome="confirmed"/ {print $2}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

# Set-up (bench users, movie, shows) and warm-up (JIT) before the measured window.
BOOKINGCTL_CONFIG_DIR="$OUT/bookingctl" ./bookingctl --nodes "$NODE_LIST" bench -c "$CLIENTS" -d 15s \
  --mix book=100 --seats-per-op 1 --contention low --no-progress >"$OUT/warmup.txt" 2>&1
"$JAVA_HOME/bin/jcmd" "$PID" JFR.stop name=profile >/dev/null
"$JAVA_HOME/bin/jcmd" "$PID" JFR.start name=measured settings=profile >/dev/null
before_bookings=$(confirmed); before_cpu=$(cpu_ticks)
BOOKINGCTL_CONFIG_DIR="$OUT/bookingctl" ./bookingctl --nodes "$NODE_LIST" bench -c "$CLIENTS" -d "${SECONDS_MEASURED}s" \
  --mix book=100 --seats-per-op 1 --contention low --no-progress >"$OUT/bench.txt" 2>&1
after_bookings=$(confirmed); after_cpu=$(cpu_ticks)
"$JAVA_HOME/bin/jcmd" "$PID" JFR.dump name=measured filename="$OUT/jfr/leader.jfr" >/dev/null

bookings=$(awk -v a="$after_bookings" -v b="$before_bookings" 'BEGIN {printf "%d", a - b}')
hz=$(getconf CLK_TCK)
cpu_ms=$(( (after_cpu - before_cpu) * 1000 / hz ))
"$JAVA_HOME/bin/jfr" print --json --events jdk.ExecutionSample "$OUT/jfr/leader.jfr" >"$OUT/jfr/samples.json"
"$JAVA_HOME/bin/jfr" view --width 160 hot-methods "$OUT/jfr/leader.jfr" >"$OUT/hot-methods.txt" 2>&1 || true

python3 - "$OUT/jfr/samples.json" "$bookings" "$cpu_ms" "$LEADER" "$CLIENTS" "$SECONDS_MEASURED" "$LOAD_AT_START" <<'PY' | tee "$OUT/profile.md"
import json, sys, collections
samples_file, bookings, cpu_ms, leader, clients, seconds, load = sys.argv[1:]
bookings, cpu_ms = int(bookings), int(cpu_ms)
events = json.load(open(samples_file))["recording"]["events"]
# The component a sample's CPU belongs to: the first frame from the top that is ours or a library we chose.
components = [
    ("org.rocksdb.", "RocksDB (JNI: state and log writes, reads)"),
    ("io.boxoffice.proto.", "protobuf encoding"),
    ("io.boxoffice.raft.storage.", "Raft log store"),
    ("io.boxoffice.raft.transport.", "Raft peer transport"),
    ("io.boxoffice.raft.", "Raft core and driver"),
    ("io.boxoffice.booking.domain.", "booking state machine"),
    ("io.boxoffice.booking.auth.", "auth (token checks)"),
    ("io.boxoffice.booking.", "booking node: API, payments, views"),
    ("com.google.protobuf.", "protobuf encoding"),
    ("io.smallrye.jwt.", "JWT"), ("org.jose4j.", "JWT"),
    ("io.micrometer.", "metrics"),
    ("io.grpc.", "gRPC"), ("io.netty.", "Netty"),
    ("io.vertx.", "Vert.x / Quarkus"), ("io.quarkus.", "Vert.x / Quarkus"),
    ("sun.security.", "JDK crypto"), ("java.security.", "JDK crypto"), ("javax.crypto.", "JDK crypto"),
    ("com.sun.crypto.", "JDK crypto"),
]
def component(frames):
    for frame in frames:
        name = frame["method"]["type"]["name"].replace("/", ".")
        for prefix, label in components:
            if name.startswith(prefix):
                return label
    return "JDK and other"
by_component, by_method = collections.Counter(), collections.Counter()
for event in events:
    frames = event["values"]["stackTrace"]["frames"] if event["values"].get("stackTrace") else []
    if not frames:
        continue
    by_component[component(frames)] += 1
    top = frames[0]["method"]
    by_method[top["type"]["name"].replace("/", ".") + "." + top["name"]] += 1
total = sum(by_component.values()) or 1
per_booking = cpu_ms / bookings if bookings else float("nan")
print(f"leader {leader}: {bookings} bookings in {seconds} s at {clients} clients ({bookings / float(seconds):.0f}/s); "
      f"CPU {cpu_ms} ms = {per_booking:.2f} ms per booking; {total} JFR samples; load average at start {load}")
print()
print("| component | share of samples | CPU ms per booking |")
print("|---|---:|---:|")
for label, count in by_component.most_common():
    print(f"| {label} | {100 * count / total:.1f} % | {per_booking * count / total:.3f} |")
print()
print("| hottest methods (top frame) | share |")
print("|---|---:|")
for name, count in by_method.most_common(15):
    print(f"| `{name}` | {100 * count / total:.1f} % |")
PY
echo "profile: $OUT/profile.md (JFR recording $OUT/jfr/leader.jfr, jfr view hot-methods in $OUT/hot-methods.txt)"
