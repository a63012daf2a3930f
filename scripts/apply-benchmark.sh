#!/usr/bin/env bash
# Apply cost as the booking state grows (docs/BENCHMARKS.md "Apply as the state grows"): runs
# ApplyScalingBenchmark, which applies the soak's command mix straight to the state machine on RocksDB and
# prints milliseconds per 10,000 bookings. No cluster, no network: a flat column means apply does not slow
# down with history. Refuses to start while the 1-minute load average is 0.5 or more unless --force.
#
# usage: scripts/apply-benchmark.sh [--force] [BOOKINGS]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
FORCE=0
BOOKINGS=200000
for arg in "$@"; do
  case "$arg" in
    --force) FORCE=1 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; exit 0 ;;
    *) [[ "$arg" =~ ^[0-9]+$ ]] || { echo "apply-benchmark: BOOKINGS must be a number, was '$arg'" >&2; exit 2; }
       BOOKINGS=$arg ;;
  esac
done
LOAD=$(cut -d' ' -f1 /proc/loadavg)
if awk -v load="$LOAD" 'BEGIN { exit !(load >= 0.5) }' && [ "$FORCE" != 1 ]; then
  echo "apply-benchmark: the 1-minute load average is $LOAD (>= 0.5): numbers taken under load are not evidence (--force runs anyway)" >&2
  exit 2
fi
. scripts/lib/java.sh
boxoffice_java_home || exit 2
echo "apply-benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), load average $LOAD at the start, $(nproc) cores"
./mvnw -B -ntp -q -pl proto,testkit,raft,booking-node -am test -Dtest=ApplyScalingBenchmark \
  -Dsurefire.failIfNoSpecifiedTests=false -Dbench.bookings="$BOOKINGS" 2>&1 \
  | grep -E '^ *[0-9]+ |^bookings|ERROR|FAIL'
