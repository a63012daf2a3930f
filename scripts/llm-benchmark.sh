#!/usr/bin/env bash
# llm-service generation benchmark (io.boxoffice.llm.bench.GenerationBenchmark): a model of
# DistilGPT2's exact shape with random weights, written as a Hugging Face checkpoint and loaded by
# the production loader, on one PyTorch thread (the service default). Prints time to first token,
# one request's tokens/s, 8 concurrent requests' aggregate tokens/s, and how long a running
# request waits while a long prompt arrives, as a Markdown table for docs/BENCHMARKS.md.
#
# Works on a fresh clone: builds llm-service and the proto module in the Maven reactor (nothing is
# installed into ~/.m2), then runs the benchmark. Needs only a JDK >= 21 and Maven Central access
# for the first build (DJL's CPU libtorch comes as a Maven artifact; nothing is downloaded at run
# time).
#
# --compare REV first builds and runs the benchmark of git revision REV (for example the commit
# before a change) from a temporary copy of that tree, then this tree's, back to back on the same
# machine: a before/after pair. Options after it go to both runs (the older benchmark may not know
# the newer ones: pass only --threads, --new-tokens, --no-cache-new-tokens, --concurrency, --model-dir).
#
# A number taken on a busy machine is not evidence: after building, the script waits (at most
# QUIET_WAIT_SECONDS, default 900, so its own build's load can decay) until the 1-minute load
# average is below LOAD_MAX (default 0.5), and refuses to run if it never is; FORCE=1 runs anyway
# and says so.
#
# usage: scripts/llm-benchmark.sh [--compare REV] [GenerationBenchmark options]
#   e.g. scripts/llm-benchmark.sh
#        scripts/llm-benchmark.sh --compare 3ffbfe2
#        scripts/llm-benchmark.sh --threads 1 --new-tokens 64 --concurrency 8 --prefill-tokens-per-step 256
#        scripts/llm-benchmark.sh --model-dir models/distilgpt2     # the real weights, if fetched
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
LOAD_MAX=${LOAD_MAX:-0.5}
QUIET_WAIT_SECONDS=${QUIET_WAIT_SECONDS:-900}
root=$(pwd)

compare=""
if [ "${1:-}" = "--compare" ]; then
  compare=${2:?"--compare needs a git revision, for example --compare 3ffbfe2"}
  shift 2
fi

# Builds llm-service of the tree in $1 without installing anything.
build() {
  (cd "$1" && ./mvnw -B -ntp -q -pl llm-service -am compile dependency:build-classpath \
    -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime)
}

# Runs the benchmark of the tree in $1 with the remaining arguments.
bench() {
  local tree=$1
  shift
  echo "load average before this run: $(cut -d' ' -f1-3 /proc/loadavg)"
  (cd "$tree/llm-service" && "$JAVA_HOME/bin/java" -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "target/classes:$(cat target/classpath.txt)" io.boxoffice.llm.bench.GenerationBenchmark "$@")
}

before_tree=""
if [ -n "$compare" ]; then
  before_tree=$(mktemp -d "${TMPDIR:-/tmp}/llm-benchmark-before.XXXXXX")
  trap 'rm -rf "$before_tree"' EXIT
  echo "building llm-service at $compare in $before_tree (reactor, no install)..." >&2
  git -C "$root" archive "$compare" | tar -x -C "$before_tree"
  build "$before_tree"
fi
echo "building llm-service of this tree (reactor, no install)..." >&2
build "$root"

busy() { awk -v l="$(cut -d' ' -f1 /proc/loadavg)" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }'; }
if [ "${FORCE:-0}" = "1" ]; then
  busy && echo "FORCE=1: running at load $(cut -d' ' -f1 /proc/loadavg); not comparable with quiet runs." >&2
else
  waited=0
  while busy && [ "$waited" -lt "$QUIET_WAIT_SECONDS" ]; do
    [ $((waited % 60)) -eq 0 ] && echo "waiting for load < $LOAD_MAX (now $(cut -d' ' -f1 /proc/loadavg))..." >&2
    sleep 10
    waited=$((waited + 10))
  done
  if busy; then
    echo "The 1-minute load average is still $(cut -d' ' -f1 /proc/loadavg) after ${QUIET_WAIT_SECONDS}s" \
      "(LOAD_MAX=$LOAD_MAX): other work would skew the numbers. Run again on a quiet machine, or with" \
      "FORCE=1 and record the load with the numbers." >&2
    exit 2
  fi
fi

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs ($cpu), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM;" \
  "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
if [ -n "$before_tree" ]; then
  echo "== before: $compare"
  bench "$before_tree" "$@"
  echo "== after: $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' + uncommitted changes')"
fi
bench "$root" "$@"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
