#!/usr/bin/env bash
# Notifier benchmark: builds the notifier, then runs bench/notifier/src/NotifierBench.java against the packaged app.
# Run from the repository root as a non-root user (embedded PostgreSQL refuses root), e.g.
#   runuser -u baton-ci -- env HOME=/home/baton-ci bash bench/notifier/run.sh
# Knobs (env): ALERTS CONCURRENCY PACED_RATE PACED_SECONDS OUTAGE_SECONDS OUTAGE_RATE (see NotifierBench javadoc).
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -o -q package -pl notifier -DskipTests
./mvnw -B -o -q dependency:build-classpath -pl notifier -Dmdep.includeScope=test -Dmdep.outputFile=target/bench-classpath.txt
out=notifier/target/bench-classes
mkdir -p "$out"
cp="notifier/target/classes:$(cat notifier/target/bench-classpath.txt)"
javac -d "$out" -cp "$cp" bench/notifier/src/NotifierBench.java
java -cp "$out:$cp" NotifierBench notifier/target/quarkus-app/quarkus-run.jar
