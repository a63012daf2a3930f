#!/usr/bin/env bash
# Quick local check of grafana/ without Maven: promtool on the alert rules and their unit tests.
# The full check (dashboard queries, metric names, chart copies) is `./mvnw -pl deploy/verify test`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found; install it: apt-get update && apt-get install -y prometheus" >&2
  exit 1
fi
promtool check rules "$root/grafana/alerts/boxoffice-alerts.yaml"
(cd "$root/grafana/alerts/tests" && promtool test rules ./*.yaml)
for dashboard in "$root"/grafana/dashboards/*.json; do
  python3 -m json.tool "$dashboard" >/dev/null && echo "$(basename "$dashboard"): valid JSON"
done
