#!/usr/bin/env bash
# Checks the deploy/ files the way their tools do. Run by .ci/run; safe to run by hand.
set -euo pipefail
cd "$(dirname "$0")"
status=0
if command -v promtool >/dev/null 2>&1; then
  promtool check rules prometheus/baton-rules.yml || status=1
  promtool check config prometheus/prometheus.yml || status=1
else
  echo "deploy/check: promtool not installed (Debian package prometheus); Prometheus files not checked"
fi
if command -v amtool >/dev/null 2>&1; then
  amtool check-config alertmanager/alertmanager.yml || status=1
else
  echo "deploy/check: amtool not installed (Debian package prometheus-alertmanager); Alertmanager file not checked"
fi
exit $status
