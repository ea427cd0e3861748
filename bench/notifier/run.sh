#!/usr/bin/env bash
# Notifier benchmark: builds the notifier, then runs bench/notifier/src/NotifierBench.java against the packaged app.
# Run from the repository root as a non-root user (embedded PostgreSQL refuses root), e.g.
#   runuser -u baton-ci -- env HOME=/home/baton-ci bash bench/notifier/run.sh
# Knobs (env): ALERTS CONCURRENCY PACED_RATE PACED_SECONDS OUTAGE_SECONDS OUTAGE_RATE (see NotifierBench javadoc).
set -euo pipefail
cd "$(dirname "$0")/../.."
# Package, running one quick unit test: its Surefire report records the full test classpath, which the benchmark
# needs (Jackson, the embedded PostgreSQL fixture from common's test-jar) — this works offline, unlike
# dependency:build-classpath whose plugin dependencies are not in the build cache.
./mvnw -B -o -q package -pl notifier -Dtest=RulesTest -Dsurefire.failIfNoSpecifiedTests=false
report=notifier/target/surefire-reports/TEST-dev.baton.notifier.pipeline.RulesTest.xml
cp="$(grep -o 'name="surefire.test.class.path" value="[^"]*"' "$report" | sed 's/.*value="//; s/"$//')"
out=notifier/target/bench-classes
mkdir -p "$out"
javac -d "$out" -cp "$cp" bench/notifier/src/NotifierBench.java
java -cp "$out:$cp" NotifierBench notifier/target/quarkus-app/quarkus-run.jar
