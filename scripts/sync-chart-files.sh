#!/usr/bin/env bash
# Copies the Grafana dashboards and the alert rules (grafana/ is their source) into the Helm chart,
# which cannot read files outside its own directory. deploy/verify fails while the copies differ.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
chart="$root/helm/boxoffice/files"
mkdir -p "$chart/dashboards" "$chart/alerts"
rm -f "$chart/dashboards/"*.json
cp "$root/grafana/dashboards/"*.json "$chart/dashboards/"
cp "$root/grafana/alerts/boxoffice-alerts.yaml" "$chart/alerts/boxoffice-alerts.yaml"
echo "copied $(ls "$root/grafana/dashboards/"*.json | wc -l) dashboards and the alert rules into $chart"
