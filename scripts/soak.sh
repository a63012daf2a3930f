#!/usr/bin/env bash
# Soak of the booking cluster (docs/BENCHMARKS.md#soak): a separate 3-node cluster started by
# `./boxoffice up` with the memory settings the launcher ships (its NODE_JAVA_OPTS), driven by
# `bookingctl bench` until N bookings are confirmed (default 1,000,000) over thousands of shows, with
# cancels and abandoned holds that expire on the cluster mixed in. Every SAMPLE_SECONDS it records each
# node's resident memory (VmRSS), term, leader changes, snapshots and longest driver-loop iteration, the
# leader's record counts and the bench's counters in samples.csv; at the end it prints a summary and a
# row for docs/BENCHMARKS.md. Exit status: 0 when every expectation held (0 errors, 0 leader changes,
# every node alive, all bookings made, <= 512 MB RSS at 100k bookings), 1 when one did not, 2 when it
# refused to start.
#
# Refuses to start while the 1-minute load average is 0.5 or more (numbers taken under load are not
# evidence) unless --force, which marks the summary FORCED, NOT EVIDENCE. Needs no root (root is fine),
# curl and a JDK 21+; builds what is stale with the reactor through ./boxoffice up (never mvn install).
# Always stops the cluster it started, by the pids in its state directory, and the load generator.
#
# usage: scripts/soak.sh [--bookings N] [--concurrency C] [--force] [--keep-data] [--out DIR]
#   SOAK_PORT_OFFSET=2400        ports: client 9101+offset.., peer 7101+offset.., HTTP 8101+offset..
#   SOAK_SAMPLE_SECONDS=10       sampling interval
#   SOAK_HOLD_DURATION_MILLIS=10000   hold lifetime on this cluster (boxoffice.limits.hold-duration-millis)
#   SOAK_MIX=book=45,hold-confirm=20,cancel=15,hold-abandon=5,seatmap=15
#   SOAK_MAX_DURATION=8h         the bench stops here even if N bookings were not reached
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

BOOKINGS=1000000
CONCURRENCY=64
FORCE=0
KEEP_DATA=0
OUT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --bookings) BOOKINGS=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --bookings=*) BOOKINGS=${1#*=}; shift ;;
    --concurrency) CONCURRENCY=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --concurrency=*) CONCURRENCY=${1#*=}; shift ;;
    --force) FORCE=1; shift ;;
    --keep-data) KEEP_DATA=1; shift ;;
    --out) OUT=${2:-}; shift 2 || { usage >&2; exit 2; } ;;
    --out=*) OUT=${1#*=}; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "soak: unknown option '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$BOOKINGS" =~ ^[0-9]+$ ]] && [ "$BOOKINGS" -ge 1000 ] \
  || { echo "soak: --bookings must be a whole number of at least 1000, was '$BOOKINGS'" >&2; exit 2; }
[[ "$CONCURRENCY" =~ ^[0-9]+$ ]] && [ "$CONCURRENCY" -ge 1 ] && [ "$CONCURRENCY" -le 1024 ] \
  || { echo "soak: --concurrency must be between 1 and 1024, was '$CONCURRENCY'" >&2; exit 2; }

# ---------------------------------------------------------------- quiet machine first (before any build)
LOAD_AT_START=$(cut -d' ' -f1 /proc/loadavg)
START_DATE=$(date -u '+%Y-%m-%d %H:%M UTC')
FORCED=0
if awk -v load="$LOAD_AT_START" 'BEGIN { exit !(load >= 0.5) }'; then
  if [ "$FORCE" != 1 ]; then
    echo "soak: the 1-minute load average is $LOAD_AT_START (>= 0.5): numbers taken under load are not evidence." >&2
    echo "      Wait for a quiet machine (uptime), or pass --force for a run whose summary says NOT EVIDENCE." >&2
    exit 2
  fi
  FORCED=1
  echo "soak: load average $LOAD_AT_START >= 0.5, running anyway (--force): FORCED, NOT EVIDENCE"
fi

command -v curl >/dev/null || { echo "soak: curl is needed to read the nodes' metrics (apt-get install curl)" >&2; exit 2; }
. scripts/lib/java.sh
boxoffice_java_home || exit 2

PORT_OFFSET=${SOAK_PORT_OFFSET:-2400}
SAMPLE_SECONDS=${SOAK_SAMPLE_SECONDS:-10}
HOLD_MILLIS=${SOAK_HOLD_DURATION_MILLIS:-10000}
MIX=${SOAK_MIX:-book=45,hold-confirm=20,cancel=15,hold-abandon=5,seatmap=15}
MAX_DURATION=${SOAK_MAX_DURATION:-8h}
SEATS_PER_BOOKING=2
SEATS_PER_SHOW=1040 # bench screens are 26 x 40
RSS_TARGET_MB=512
RSS_TARGET_AT_BOOKINGS=100000
# Each client fills shows of its own front to back (contention none): every booking and abandoned hold
# uses fresh seats, freed ones are not revisited. 15% more seats than bookings need, plus one show per
# client for the shows left half full at the end.
SHOWS=$(( (BOOKINGS * SEATS_PER_BOOKING * 115 / 100 + SEATS_PER_SHOW - 1) / SEATS_PER_SHOW + CONCURRENCY + 10 ))

OUT=${OUT:-target/soak/$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# Measured in short runs: 97 MB of state and log per node at 3,000 bookings, 188 MB at 30,000 (about
# 3 KB per booking per node); 20 KB per booking for the three nodes leaves room for compactions.
DISK_NEEDED_MB=$(( BOOKINGS * 20 / 1024 + 1024 ))
DISK_FREE_MB=$(df -Pm "$OUT" | awk 'NR == 2 {print $4}')
if [ "$DISK_FREE_MB" -lt "$DISK_NEEDED_MB" ]; then
  echo "soak: $OUT has $DISK_FREE_MB MB free; $BOOKINGS bookings need about $DISK_NEEDED_MB MB (3 nodes): use --out on a larger disk" >&2
  exit 2
fi
STATE="$OUT/cluster"
CSV="$OUT/samples.csv"
NODES=(node1 node2 node3)
http_port() { echo $((8100 + $1 + PORT_OFFSET)); }
NODE_LIST="node1=127.0.0.1:$((9101 + PORT_OFFSET)),node2=127.0.0.1:$((9102 + PORT_OFFSET)),node3=127.0.0.1:$((9103 + PORT_OFFSET))"

# The cluster of this soak: its own state directory, ports and cluster id, and the launcher's own memory
# settings (a BOXOFFICE_NODE_JAVA_OPTS of the caller would replace them, so it is dropped).
if [ -n "${BOXOFFICE_NODE_JAVA_OPTS:-}" ]; then
  echo "soak: ignoring BOXOFFICE_NODE_JAVA_OPTS: the soak measures the memory settings ./boxoffice up ships"
  unset BOXOFFICE_NODE_JAVA_OPTS
fi
export BOXOFFICE_STATE_DIR="$STATE" BOXOFFICE_PORT_OFFSET="$PORT_OFFSET" BOXOFFICE_LOCAL_CLUSTER_ID=boxoffice-soak
# The nodes inherit the launcher's environment: holds of this cluster last HOLD_MILLIS, so abandoned ones
# expire many times during the run.
export BOXOFFICE_LIMITS_HOLD_DURATION_MILLIS="$HOLD_MILLIS"

if command -v ss >/dev/null; then
  for port in $((9101 + PORT_OFFSET)) $((9102 + PORT_OFFSET)) $((9103 + PORT_OFFSET)) $((7101 + PORT_OFFSET)) \
      $((7102 + PORT_OFFSET)) $((7103 + PORT_OFFSET)) $(http_port 1) $(http_port 2) $(http_port 3) $((8190 + PORT_OFFSET)); do
    if ss -ltnH "sport = :$port" 2>/dev/null | grep -q .; then
      echo "soak: port $port is in use (another cluster?): set SOAK_PORT_OFFSET to a free range" >&2
      exit 2
    fi
  done
fi

# ---------------------------------------------------------------- cleanup: always, by pid
CLUSTER_STARTED=0
BENCH_PID=""
cleanup() {
  local rc=$? pid node
  trap - EXIT INT TERM
  if [ -n "$BENCH_PID" ] && kill -0 "$BENCH_PID" 2>/dev/null; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  if [ "$CLUSTER_STARTED" = 1 ]; then
    echo "soak: stopping the soak cluster ($STATE)"
    ./boxoffice down >"$OUT/down.log" 2>&1 || true
    # The launcher stops by the pids it recorded; anything of ours still alive goes by the same pids.
    for node in "${NODES[@]}" llm; do
      pid=$(cat "$STATE/run/$node.pid" 2>/dev/null || true)
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null \
          && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$STATE/app"; then
        kill -KILL "$pid" 2>/dev/null || true
      fi
    done
    if [ "$KEEP_DATA" != 1 ]; then
      rm -rf "$STATE/data" "$STATE/app"
    fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

machine() {
  echo "$(nproc) vCPU $(lscpu 2>/dev/null | awk -F: '/Model name/ {gsub(/^ +/, "", $2); print $2; exit}'), $(free -g | awk '/Mem:/ {print $2}') GiB RAM"
}
{
  echo "date: $START_DATE"
  echo "machine: $(machine)"
  echo "kernel: $(uname -r)"
  echo "load average at start: $LOAD_AT_START$([ "$FORCED" = 1 ] && echo " (FORCED, NOT EVIDENCE)")"
  echo "java: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "disk of the data: $(df -h "$OUT" | awk 'NR==2 {print $1 ", " $4 " free"}')"
  echo "bookings: $BOOKINGS, clients: $CONCURRENCY, shows: $SHOWS, mix: $MIX, hold duration: ${HOLD_MILLIS} ms"
} | tee "$OUT/machine.txt"

# ---------------------------------------------------------------- cluster
echo "soak: starting a 3-node cluster (state $STATE, port offset $PORT_OFFSET); ./boxoffice up builds what is stale"
CLUSTER_STARTED=1
./boxoffice up >"$OUT/up.log" 2>&1 || { echo "soak: ./boxoffice up failed; see $OUT/up.log" >&2; tail -n 20 "$OUT/up.log" >&2; exit 1; }
# The assistant plays no part in a soak: its service only takes memory and CPU from the nodes.
./boxoffice stop llm >>"$OUT/up.log" 2>&1 || true

declare -A PID
for node in "${NODES[@]}"; do
  PID[$node]=$(cat "$STATE/run/$node.pid")
done
NODE_OPTS=$(tr '\0' '\n' <"/proc/${PID[node1]}/cmdline" | grep -E '^-X' | tr '\n' ' ')
echo "soak: nodes up (pids ${PID[node1]} ${PID[node2]} ${PID[node3]}), JVM options: $NODE_OPTS" | tee -a "$OUT/machine.txt"

# ---------------------------------------------------------------- sampling
# metric TEXT NAME [LABEL] -> the value of the first series NAME (with LABEL, e.g. kind="taken"), or empty.
metric() {
  awk -v name="$2" -v label="${3:-}" '
    index($1, name) == 1 && (substr($1, length(name) + 1, 1) == "{" || length($1) == length(name)) \
      && (label == "" || index($1, label) > 0) { printf "%.6f\n", $2; exit }' <<<"$1"
}
as_int() { awk -v v="${1:-}" 'BEGIN { if (v == "") print ""; else printf "%.0f\n", v }'; }
proc_kb() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status" 2>/dev/null || true; }
status_value() { awk -F= -v key="$1" '$1 == key {print $2}' "$OUT/bench-status" 2>/dev/null || true; }

echo "time_s,phase,bench_confirmed,bench_errors,bench_conflicts,bench_cancels,bench_holds_abandoned,leader,\
state_bookings_confirmed,state_bookings_cancelled,state_holds_expired,hold_expiries_total,\
rss_kb_node1,rss_kb_node2,rss_kb_node3,hwm_kb_node1,hwm_kb_node2,hwm_kb_node3,term_node1,term_node2,term_node3,\
leader_changes_node1,leader_changes_node2,leader_changes_node3,snapshots_taken,snapshots_installed,\
driver_loop_max_ms,nodes_alive,snapshots_local" >"$CSV"

T0=$SECONDS
LAST_LINE=""
sample() {
  local i node text leader="" alive=0 taken=0 installed=0 local_snapshots=0 loop_ms=0 expiries=0 leader_text=""
  local rss=() hwm=() term=() changes=()
  for i in 1 2 3; do
    node=node$i
    if kill -0 "${PID[$node]}" 2>/dev/null; then
      alive=$((alive + 1))
      rss+=("$(proc_kb "${PID[$node]}" VmRSS)"); hwm+=("$(proc_kb "${PID[$node]}" VmHWM)")
    else
      rss+=(""); hwm+=("")
    fi
    text=$(curl -s --max-time 3 "http://127.0.0.1:$(http_port $i)/q/metrics" 2>/dev/null || true)
    term+=("$(as_int "$(metric "$text" boxoffice_raft_term)")")
    changes+=("$(as_int "$(metric "$text" boxoffice_raft_leader_changes_total)")")
    taken=$(awk -v a="$taken" -v b="$(metric "$text" boxoffice_raft_snapshots_total 'kind="taken"')" 'BEGIN {printf "%.0f", a + b}')
    installed=$(awk -v a="$installed" -v b="$(metric "$text" boxoffice_raft_snapshots_total 'kind="installed"')" 'BEGIN {printf "%.0f", a + b}')
    local_snapshots=$(awk -v a="$local_snapshots" -v b="$(metric "$text" boxoffice_raft_snapshots_total 'kind="local"')" 'BEGIN {printf "%.0f", a + b}')
    loop_ms=$(awk -v a="$loop_ms" -v b="$(metric "$text" boxoffice_raft_driver_loop_seconds_max)" 'BEGIN {b *= 1000; printf "%.1f", (b > a ? b : a)}')
    expiries=$(awk -v a="$expiries" -v b="$(metric "$text" boxoffice_hold_expiries_total)" 'BEGIN {printf "%.0f", a + b}')
    if [ "$(as_int "$(metric "$text" boxoffice_raft_role 'role="leader"')")" = 1 ]; then
      leader=$node; leader_text=$text
    fi
  done
  local phase confirmed errors conflicts cancels abandoned
  phase=$(status_value phase); confirmed=$(status_value confirmed_bookings); errors=$(status_value errors)
  conflicts=$(status_value conflicts); cancels=$(status_value cancels); abandoned=$(status_value holds_abandoned)
  local state_confirmed="" state_cancelled="" state_expired=""
  if [ -n "$leader_text" ]; then
    state_confirmed=$(as_int "$(metric "$leader_text" boxoffice_state_records 'kind="bookings.confirmed"')")
    state_cancelled=$(as_int "$(metric "$leader_text" boxoffice_state_records 'kind="bookings.cancelled"')")
    state_expired=$(as_int "$(metric "$leader_text" boxoffice_state_records 'kind="holds.expired"')")
  fi
  local now=$((SECONDS - T0))
  echo "$now,${phase:-setup},${confirmed:-0},${errors:-0},${conflicts:-0},${cancels:-0},${abandoned:-0},${leader:-none},\
$state_confirmed,$state_cancelled,$state_expired,$expiries,${rss[0]},${rss[1]},${rss[2]},${hwm[0]},${hwm[1]},${hwm[2]},\
${term[0]},${term[1]},${term[2]},${changes[0]},${changes[1]},${changes[2]},$taken,$installed,$loop_ms,$alive,$local_snapshots" >>"$CSV"
  LAST_LINE=$(printf '%6ss %-8s bookings %9s  errors %s  RSS MB %s/%s/%s  terms %s/%s/%s  snapshots %s local, %s files  loop max %s ms  leader %s' \
    "$now" "${phase:-setup}" "${confirmed:-0}" "${errors:-0}" "$(( ${rss[0]:-0} / 1024 ))" "$(( ${rss[1]:-0} / 1024 ))" \
    "$(( ${rss[2]:-0} / 1024 ))" "${term[0]:--}" "${term[1]:--}" "${term[2]:--}" "$local_snapshots" "$taken" "$loop_ms" "${leader:-none}")
  echo "$LAST_LINE"
  ALIVE=$alive
}

echo "soak: baseline sample (before the load)"
sample
BASELINE_ROW=$(tail -n 1 "$CSV")
# Role changes are logged at INFO with their cause; count those of the run from here on.
declare -A LOG_LINES_AT_START
for node in "${NODES[@]}"; do
  LOG_LINES_AT_START[$node]=$(wc -l <"$STATE/logs/$node.log")
done

# ---------------------------------------------------------------- load
echo "soak: bench: $CONCURRENCY clients until $BOOKINGS bookings (at most $MAX_DURATION) over $SHOWS shows; log $OUT/bench.log"
BOOKINGCTL_CONFIG_DIR="$OUT/bookingctl" ./bookingctl --nodes "$NODE_LIST" -o json bench -c "$CONCURRENCY" \
  --users "$CONCURRENCY" --contention none --shows "$SHOWS" --seats-per-op "$SEATS_PER_BOOKING" --mix "$MIX" \
  --until-bookings "$BOOKINGS" --duration "$MAX_DURATION" --status-file "$OUT/bench-status" \
  </dev/null >"$OUT/bench.json" 2>"$OUT/bench.log" &
BENCH_PID=$!
BENCH_STARTED=$SECONDS
next=$((SECONDS + SAMPLE_SECONDS))
ALIVE=3
while kill -0 "$BENCH_PID" 2>/dev/null; do
  if [ "$SECONDS" -ge "$next" ]; then
    sample
    next=$((next + SAMPLE_SECONDS))
    if [ "$ALIVE" -lt 2 ]; then
      echo "soak: fewer than 2 nodes alive: the cluster lost its quorum; stopping the load" >&2
      kill -TERM "$BENCH_PID" 2>/dev/null || true
    fi
  fi
  sleep 1
done
BENCH_RC=0
wait "$BENCH_PID" || BENCH_RC=$?
BENCH_PID=""
BENCH_SECONDS=$((SECONDS - BENCH_STARTED))
sample
FINAL_ROW=$(tail -n 1 "$CSV")

# ---------------------------------------------------------------- summary
# role_changes PATTERN -> how many role changes matching it the nodes logged during the run.
role_changes() {
  local node total=0 count
  for node in "${NODES[@]}"; do
    count=$(tail -n +"$((LOG_LINES_AT_START[$node] + 1))" "$STATE/logs/$node.log" | grep -c -- "$1" || true)
    total=$((total + count))
  done
  echo "$total"
}
PRE_VOTES=$(role_changes '-> PRE_CANDIDATE in term')
ELECTIONS=$(role_changes '-> CANDIDATE in term')
LEADERS_ELECTED=$(role_changes '-> LEADER in term')
DATA_MB=""
for node in "${NODES[@]}"; do
  DATA_MB+="${DATA_MB:+/}$(du -sm "$STATE/data/$node" 2>/dev/null | cut -f1)"
done
json_number() { grep -o "\"$1\": [0-9.e+-]*" "$OUT/bench.json" 2>/dev/null | head -1 | awk '{print $2}' || true; }
BENCH_BOOKINGS_PER_SECOND=$(json_number confirmed_bookings_per_second)
BENCH_MEASURED_SECONDS=$(json_number duration_seconds)

# awk's exit status is the verdict; the pipeline through tee must not end the script under set -e.
set +e
awk -F, -v baseline="$BASELINE_ROW" -v final="$FINAL_ROW" -v target_at="$RSS_TARGET_AT_BOOKINGS" \
    -v target_mb="$RSS_TARGET_MB" -v goal="$BOOKINGS" -v forced="$FORCED" -v load="$LOAD_AT_START" \
    -v machine="$(machine)" -v date="$START_DATE" -v bench_rc="$BENCH_RC" \
    -v per_second="${BENCH_BOOKINGS_PER_SECOND:-0}" -v measured="${BENCH_MEASURED_SECONDS:-0}" \
    -v wall="$BENCH_SECONDS" -v opts="$NODE_OPTS" -v hold_ms="$HOLD_MILLIS" -v clients="$CONCURRENCY" \
    -v pre_votes="$PRE_VOTES" -v elections="$ELECTIONS" -v leaders_elected="$LEADERS_ELECTED" -v data_mb="$DATA_MB" '
  function mb(kb) { return kb == "" ? "-" : sprintf("%.0f", kb / 1024) }
  NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
  {
    for (n = 1; n <= 3; n++) {
      r = $col["rss_kb_node" n]; if (r != "" && r + 0 > peak_rss[n]) peak_rss[n] = r + 0
      h = $col["hwm_kb_node" n]; if (h != "" && h + 0 > peak_hwm[n]) peak_hwm[n] = h + 0
    }
    if ($col["driver_loop_max_ms"] + 0 > loop_max) loop_max = $col["driver_loop_max_ms"] + 0
    # The last row is taken while the cluster stops (no leader to ask): keep the last counts a leader gave.
    if ($col["state_bookings_confirmed"] != "") {
      last_confirmed = $col["state_bookings_confirmed"]; last_cancelled = $col["state_bookings_cancelled"]
      last_expired = $col["state_holds_expired"]
    }
    if (!at_target_seen && $col["bench_confirmed"] + 0 >= target_at) {
      at_target_seen = 1; at_target_bookings = $col["bench_confirmed"]
      for (n = 1; n <= 3; n++) at_target[n] = $col["rss_kb_node" n]
    }
  }
  END {
    split(baseline, b, ","); split(final, f, ",")
    terms = ""; term_changes = 0
    for (n = 1; n <= 3; n++) {
      c = f[col["leader_changes_node" n]] - b[col["leader_changes_node" n]]
      if (f[col["leader_changes_node" n]] == "") c = "?"
      changes_text = changes_text (n > 1 ? "/" : "") c
      terms = terms (n > 1 ? "/" : "") b[col["term_node" n]] "->" f[col["term_node" n]]
      t = f[col["term_node" n]] - b[col["term_node" n]]
      if (f[col["term_node" n]] == "") t = 1
      if (t > term_changes) term_changes = t
      end_rss = end_rss (n > 1 ? "/" : "") mb(f[col["rss_kb_node" n]])
      peak = peak (n > 1 ? "/" : "") mb(peak_hwm[n])
      if (at_target_seen) at = at (n > 1 ? "/" : "") mb(at_target[n])
      if (at_target_seen && at_target[n] / 1024 > target_mb) rss_bad = 1
    }
    confirmed = f[col["bench_confirmed"]] + 0; errors = f[col["bench_errors"]] + 0
    taken = f[col["snapshots_taken"]] - b[col["snapshots_taken"]]
    local_taken = f[col["snapshots_local"]] - b[col["snapshots_local"]]
    installed = f[col["snapshots_installed"]] - b[col["snapshots_installed"]]
    expiries = f[col["hold_expiries_total"]] - b[col["hold_expiries_total"]]
    state_expired = last_expired - b[col["state_holds_expired"]]
    state_made = (last_confirmed + last_cancelled) \
                 - (b[col["state_bookings_confirmed"]] + b[col["state_bookings_cancelled"]])
    alive = f[col["nodes_alive"]]
    evidence = forced ? " — FORCED, NOT EVIDENCE (load " load " at start)" : ""
    print ""
    print "## Soak summary" evidence
    print ""
    printf "- %s; %s; load average %s at start%s\n", date, machine, load, forced ? " (FORCED, NOT EVIDENCE)" : ""
    printf "- node JVM options (./boxoffice up): %s; hold duration %s ms; %s clients\n", opts, hold_ms, clients
    printf "- bookings confirmed (bench): %d of %d in %d s of load (%.1f/s over %.0f s measured)\n", confirmed, goal, wall, per_second, measured
    printf "- bookings the leader stored during the run (confirmed + cancelled records): %d\n", state_made
    printf "- RSS at the first sample with >= %d bookings (%s): %s MB (nodes 1/2/3; target <= %d MB)\n", target_at, at_target_seen ? at_target_bookings : "not reached", at_target_seen ? at : "-", target_mb
    printf "- RSS at the end: %s MB; peak RSS (VmHWM): %s MB\n", end_rss, peak
    # A new term means an election ran: the leader lost its leadership (even if it won again).
    changes_bad = term_changes != 0 || leaders_elected != 0
    printf "- leader changes during the run (leaders elected, node logs): %d; terms gained: %d (%s); elections started: %d\n", leaders_elected, term_changes, terms, elections
    printf "- election timeouts on a node, each starting a pre-vote (node logs): %d; boxoffice_raft_leader_changes_total grew by %s (it also counts a follower'\''s moments without a known leader, as during a pre-vote that finds the leader alive)\n", pre_votes, changes_text
    printf "- snapshots: %d local (state synced, log compacted), %d files written (for followers), %d installed; longest driver-loop iteration: %.1f ms\n", local_taken, taken, installed, loop_max
    printf "- errors: %d (bench exit %d); cancels: %d; holds abandoned: %d; hold expiries (leader sweeps): %d, expired hold records: %d\n", errors, bench_rc, f[col["bench_cancels"]], f[col["bench_holds_abandoned"]], expiries, state_expired
    printf "- nodes alive at the end: %d of 3; state and log on disk at the end: %s MB\n", alive, data_mb
    print ""
    failed = 0
    if (errors != 0 || bench_rc != 0) { print "NOT MET: 0 errors"; failed = 1 }
    if (changes_bad) { print "NOT MET: 0 leader changes"; failed = 1 }
    if (alive != 3) { print "NOT MET: every node alive"; failed = 1 }
    if (confirmed < goal) { print "NOT MET: " goal " bookings"; failed = 1 }
    if (rss_bad) { print "NOT MET: RSS <= " target_mb " MB at " target_at " bookings"; failed = 1 }
    if (!at_target_seen) print "not checked: RSS <= " target_mb " MB at " target_at " bookings (the run stopped before)"
    if (!failed) print "every expectation met" evidence
    print ""
    print "Row for docs/BENCHMARKS.md (Soak):"
    print ""
    printf "| %s | %s | %s%s | %d | %d s | %.0f | %s | %s | %s | %d (+%d terms, %d pre-votes) | %d local + %d files / %d | %.0f ms | %d | %d | %d |\n", date, machine, load, forced ? " — FORCED, NOT EVIDENCE" : "", confirmed, wall, per_second, at_target_seen ? at : "not reached", end_rss, peak, leaders_elected, term_changes, pre_votes, local_taken, taken, installed, loop_max, errors, f[col["bench_cancels"]], expiries
    exit failed
  }' "$CSV" | tee "$OUT/summary.md"
RESULT=${PIPESTATUS[0]}
set -e
echo
echo "soak: samples $CSV, summary $OUT/summary.md, bench report $OUT/bench.json, node logs $STATE/logs"
exit "$RESULT"
