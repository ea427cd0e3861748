#!/usr/bin/env bash
# Time from switch request to every authoritative nameserver answering the new value, per provider.
# The measurement is dev.baton.dns.bench.SwitchToPropagationBench (dns-manager test sources): it reuses the
# test fixtures (provider fakes, knotd primary + real secondary on 127.0.0.1) and the running service.
# Needs knotd (/usr/sbin/knotd, Debian package "knot"); run as a non-root user.
#   bench/dns-manager/run.sh [rounds]      (default 20 per provider)
# Result: printed, and written to dns-manager/target/dns-manager-bench.md
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q verify -pl dns-manager -DskipITs \
  -Dtest=SwitchToPropagationBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbaton.bench=true -Dbaton.bench.rounds="${1:-20}"
cat dns-manager/target/dns-manager-bench.md
