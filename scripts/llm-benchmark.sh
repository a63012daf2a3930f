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
# A number taken on a busy machine is not evidence: the script refuses to start unless the
# 1-minute load average is below LOAD_MAX (default 0.5); FORCE=1 runs anyway and says so.
#
# usage: scripts/llm-benchmark.sh [GenerationBenchmark options]
#   e.g. scripts/llm-benchmark.sh --threads 1 --new-tokens 64 --concurrency 8 --prefill-tokens-per-step 256
#        scripts/llm-benchmark.sh --model-dir models/distilgpt2     # the real weights, if fetched
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(scripts/find-jdk.sh)
export JAVA_HOME
LOAD_MAX=${LOAD_MAX:-0.5}

load() { cut -d' ' -f1 /proc/loadavg; }

echo "building llm-service (reactor, no install)..." >&2
./mvnw -B -ntp -q -pl llm-service -am compile dependency:build-classpath \
  -Dmdep.outputFile=target/classpath.txt -Dmdep.includeScope=runtime

start_load=$(load)
if awk -v l="$start_load" -v m="$LOAD_MAX" 'BEGIN { exit !(l >= m) }'; then
  if [ "${FORCE:-0}" != "1" ]; then
    echo "The 1-minute load average is $start_load (LOAD_MAX=$LOAD_MAX): other work would skew the numbers." >&2
    echo "Wait for a quiet machine (watch uptime), or run with FORCE=1 and record the load with the numbers." >&2
    exit 2
  fi
  echo "FORCE=1: running at load $start_load; these numbers are not comparable with quiet runs." >&2
fi

cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); machine: $(nproc) CPUs ($cpu), $(free -g | awk '/^Mem:/ {print $2}') GiB RAM;" \
  "JDK: $("$JAVA_HOME/bin/java" -version 2>&1 | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
cd llm-service
"$JAVA_HOME/bin/java" -Xmx2g -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "target/classes:$(cat target/classpath.txt)" \
  io.boxoffice.llm.bench.GenerationBenchmark "$@"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
