#!/usr/bin/env bash
# Validates the Prometheus config, alert rules, alert unit tests and the Grafana
# dashboard in this directory. Fails (exit 1) if promtool is not installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v promtool >/dev/null 2>&1; then
  echo "promtool not found: apt-get install -y prometheus" >&2
  exit 1
fi

promtool --version 2>&1 | head -n 1

echo "==> promtool check config prometheus.yml"
promtool check config prometheus.yml

echo "==> promtool check rules alerts.yml"
promtool check rules alerts.yml

echo "==> promtool test rules alerts.test.yml"
promtool test rules alerts.test.yml

echo "==> python3 -m json.tool grafana-dashboard.json"
python3 -m json.tool grafana-dashboard.json >/dev/null

echo "All monitoring checks passed."
