#!/usr/bin/env bash
# Prometheus for the local cluster (`./boxoffice up --prometheus`): Debian's prometheus server scraping the
# booking nodes and llm-service that ./boxoffice runs, with the project's alert rules loaded as they ship.
#
# usage: scripts/local-prometheus.sh start|stop|status|config
#   start    write the configuration and start the server (http://127.0.0.1:9090 + BOXOFFICE_PORT_OFFSET)
#   stop     stop it (SIGTERM)
#   status   one line: running or not, and where
#   config   print the configuration it would use
# Settings (./boxoffice exports the first two):
#   BOXOFFICE_STATE_DIR                   state directory (default .boxoffice): prometheus/ holds config, data, log
#   BOXOFFICE_PORT_OFFSET                 added to every port, as for the nodes (default 0)
#   BOXOFFICE_PROMETHEUS_RULES            the rule file (default grafana/alerts/boxoffice-alerts.yaml)
#   BOXOFFICE_PROMETHEUS_SCRAPE_INTERVAL  scrape and rule evaluation interval (default 5s)
#
# The targets get the labels Kubernetes' ServiceMonitors give them (job booking-node / llm-service, namespace,
# pod), so the alert rules and the Grafana dashboards' queries work unchanged; the namespace is "local".
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STATE_DIR=${BOXOFFICE_STATE_DIR:-$ROOT/.boxoffice}
PORT_OFFSET=${BOXOFFICE_PORT_OFFSET:-0}
RULES=${BOXOFFICE_PROMETHEUS_RULES:-$ROOT/grafana/alerts/boxoffice-alerts.yaml}
INTERVAL=${BOXOFFICE_PROMETHEUS_SCRAPE_INTERVAL:-5s}
HOST=127.0.0.1
PORT=$((9090 + PORT_OFFSET))
DIR="$STATE_DIR/prometheus"
PID_FILE="$STATE_DIR/run/prometheus.pid"
STOP_TIMEOUT_SECONDS=20
START_TIMEOUT_SECONDS=60

config() {
  local node
  cat <<CONFIG
# Written by scripts/local-prometheus.sh for the cluster of ./boxoffice up (state $STATE_DIR).
global:
  scrape_interval: $INTERVAL
  scrape_timeout: $INTERVAL
  evaluation_interval: $INTERVAL
rule_files:
  - $RULES
scrape_configs:
  - job_name: booking-node
    metrics_path: /q/metrics
    static_configs:
CONFIG
  for node in 1 2 3; do
    cat <<TARGET
      - targets: ["$HOST:$((8100 + node + PORT_OFFSET))"]
        labels: {namespace: local, pod: node$node}
TARGET
  done
  cat <<CONFIG
  - job_name: llm-service
    metrics_path: /q/metrics
    static_configs:
      - targets: ["$HOST:$((8190 + PORT_OFFSET))"]
        labels: {namespace: local, pod: llm}
CONFIG
}

running_pid() {
  local pid
  [ -f "$PID_FILE" ] || return 0
  pid=$(cat "$PID_FILE")
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "prometheus"; then
    echo "$pid"
  fi
}

start() {
  local pid deadline
  pid=$(running_pid)
  if [ -n "$pid" ]; then
    echo "  prometheus already running (pid $pid): http://$HOST:$PORT"
    return 0
  fi
  if ! command -v prometheus >/dev/null 2>&1; then
    echo "error: prometheus is not installed; on Debian/Ubuntu: apt-get install -y prometheus (it brings promtool too)" >&2
    return 1
  fi
  [ -f "$RULES" ] || { echo "error: no rule file $RULES" >&2; return 1; }
  mkdir -p "$DIR/data" "$(dirname "$PID_FILE")"
  config >"$DIR/prometheus.yml"
  if command -v promtool >/dev/null 2>&1; then
    promtool check config "$DIR/prometheus.yml" >/dev/null
  fi
  echo "==== $(date '+%F %T') start prometheus" >>"$DIR/prometheus.log"
  # setsid: it keeps running after this shell exits, like the nodes.
  setsid nohup prometheus --config.file="$DIR/prometheus.yml" --storage.tsdb.path="$DIR/data" \
    --storage.tsdb.retention.time=2d --web.listen-address="$HOST:$PORT" --web.enable-lifecycle \
    </dev/null >>"$DIR/prometheus.log" 2>&1 &
  echo $! >"$PID_FILE"
  deadline=$((SECONDS + START_TIMEOUT_SECONDS))
  until curl -fsS --max-time 1 "http://$HOST:$PORT/-/ready" >/dev/null 2>&1; do
    if ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
      echo "error: prometheus exited; the end of $DIR/prometheus.log:" >&2
      tail -n 20 "$DIR/prometheus.log" >&2
      return 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      echo "error: prometheus not ready within ${START_TIMEOUT_SECONDS}s (log: $DIR/prometheus.log)" >&2
      return 1
    fi
    sleep 0.3
  done
  echo "  prometheus ready: http://$HOST:$PORT (alerts: /alerts, API: /api/v1/alerts; rules $RULES; every $INTERVAL)"
}

stop() {
  local pid waited=0
  pid=$(running_pid)
  if [ -z "$pid" ]; then
    rm -f "$PID_FILE"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$waited" -lt $((STOP_TIMEOUT_SECONDS * 10)) ]; do
    sleep 0.1; waited=$((waited + 1))
  done
  if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$PID_FILE"
  echo "  prometheus stopped (pid $pid)"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    pid=$(running_pid)
    if [ -n "$pid" ]; then echo "prometheus: pid $pid, http://$HOST:$PORT"; else echo "prometheus: stopped"; fi
    ;;
  config) config ;;
  *) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
