#!/usr/bin/env bash
# Checks the deploy/ files the way their tools do, plus their structure. Run by .ci/run; safe to run by hand.
#   promtool: the rule file, its unit tests (baton-rules.test.yml) and the scrape config (Debian: prometheus)
#   amtool:   the Alertmanager example (Debian: prometheus-alertmanager)
#   check.py: YAML/JSON parse, required keys of the Compose files and Kubernetes manifests, env variables
#             documented and matching the services' configuration keys, metric names existing in the code,
#             the runbook referencing every file (Debian: python3, python3-yaml)
# A missing tool is reported (with the package to install) and skipped, as the Maven tests do with knotd and curl;
# .ci/run installs them all when run as root.
set -euo pipefail
cd "$(dirname "$0")"
status=0
missing() { echo "deploy/check: WARNING $1 is not installed (Debian package $2): $3 NOT checked" >&2; }

if command -v promtool >/dev/null 2>&1; then
  promtool check rules prometheus/baton-rules.yml || status=1
  promtool check config prometheus/prometheus.yml || status=1
  (cd prometheus && promtool test rules baton-rules.test.yml) || status=1
else
  missing promtool prometheus "the Prometheus rules and scrape config are"
fi
if command -v amtool >/dev/null 2>&1; then
  amtool check-config alertmanager/alertmanager.yml || status=1
  # routing: Baton's alerts go to the notifier, except those saying the notifier's side is down (the fallback)
  route() { amtool config routes test --config.file=alertmanager/alertmanager.yml --verify.receivers="$1" "${@:2}" 2>/dev/null \
    || { echo "deploy/check: alertmanager.yml routes ${*:2} elsewhere than $1" >&2; status=1; }; }
  route baton-notifier alertname=BatonDegraded severity=critical >/dev/null
  route baton-notifier alertname=BatonSiteDown severity=warning site=primary >/dev/null
  route direct alertname=BatonNotifierDown severity=critical >/dev/null
  route direct alertname=BatonCoordinatorDown severity=critical >/dev/null
else
  missing amtool prometheus-alertmanager "the Alertmanager config is"
fi
# kubectl is optional (not a Debian package): with it, the kustomization must also build
if command -v kubectl >/dev/null 2>&1; then
  kubectl kustomize k8s >/dev/null || status=1
fi
if command -v python3 >/dev/null 2>&1 && python3 -c 'import yaml' 2>/dev/null; then
  python3 check.py || status=1
else
  missing "python3 with the yaml module" "python3-yaml" "the Compose files, manifests, dashboard and env documentation are"
fi
[ "$status" = 0 ] && echo "deploy/check: all deploy/ checks passed"
exit $status
