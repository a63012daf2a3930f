#!/usr/bin/env bash
# Prints the boxoffice_* series names that running nodes export, sorted and de-duplicated, in the
# format of grafana/exported-metrics.txt. Give the HTTP base URL of a booking node and of llm-service
# (both must have served some traffic, or meters created on first use are missing):
#   scripts/export-metrics.sh http://localhost:8080 http://localhost:8090 > grafana/exported-metrics.txt
set -euo pipefail
if [ "$#" -lt 1 ]; then
  echo "usage: $0 BASE_URL... (e.g. http://localhost:8080 http://localhost:8090)" >&2
  exit 2
fi
cat <<'HEADER'
# Every series name a booking node and llm-service export at /q/metrics (boxoffice_* only), one per line.
# The dashboards and alert rules may use only these names (and Prometheus' own `up`); deploy/verify's
# DashboardAndAlertQueriesTest checks it.
#
# Source of this version: running nodes, through scripts/export-metrics.sh. Regenerate it the same way:
#   scripts/export-metrics.sh http://localhost:8080 http://localhost:8090 > grafana/exported-metrics.txt
HEADER
for base in "$@"; do
  curl -fsS "${base%/}/q/metrics"
done | grep -E '^boxoffice_' | sed -E 's/[{ ].*$//' | sort -u
