#!/usr/bin/env bash
# Benchmark: Baton state-sync vs `rsync -a --delete -e ssh`, both against Debian's OpenSSH sshd on
# loopback (an unprivileged sshd on a high port, its own host key and authorized_keys in a temp dir,
# bound to 127.0.0.1 only). Same data, same machine, one run:
#   (a) first copy of 10,000 files / 200 MB, (b) an incremental cycle with 1% of the files changed,
#   (c) replication lag p50/p99 while a writer rewrites 10 files every 100 ms (1,000-file state dir).
# A program, not a test. Run from anywhere as a non-root user, e.g.
#   runuser -u baton-ci -- env HOME=/home/baton-ci bash bench/state-sync/run.sh
# Knobs (env): FILES (10000), FILE_KB (20), LAG_FILES (1000), LAG_SECONDS (30), PORT (22822), PARALLELISM (8),
# TRANSPORT (auto = tar stream over exec here; sftp = per-file SFTP), ROUNDS (3: (a) and (b) each, median reported),
# WARMUP (at most 8 untimed JVM warm-up rounds, until the JIT settles; 0 = a cold JVM),
# BENCH_DEBUG (1 = state-sync's per-phase and per-command timings), BENCH_MARK (prefix of marker files around (a)),
# BENCH_JAVA_OPTS (extra JVM options, e.g. -Dorg.apache.sshd.config.tcp-nodelay=true).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PORT=${PORT:-22822}
WORK=$(mktemp -d /tmp/baton-sync-bench.XXXXXX)
SSHD_PID=
cleanup() { [ -n "$SSHD_PID" ] && kill "$SSHD_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT

cd "$ROOT"
# Compile the module and run one quick unit test: its Surefire report records the test classpath
# (state-sync classes, MINA SSHD, JBoss logging), which works offline unlike dependency:build-classpath.
./mvnw -B -o -q test -pl state-sync -Dtest=SyncConfigTest -Dsurefire.failIfNoSpecifiedTests=false
report=state-sync/target/surefire-reports/TEST-dev.baton.statesync.config.SyncConfigTest.xml
cp="$(grep -o 'name="surefire.test.class.path" value="[^"]*"' "$report" | sed 's/.*value="//; s/"$//')"
mkdir -p "$WORK/classes"
javac -d "$WORK/classes" -cp "$cp" "$HERE/src/StateSyncBench.java"

# an unprivileged OpenSSH sshd on loopback, keys as a user makes them today: ed25519 (OpenSSH's default), and a
# known_hosts from ssh-keyscan, hashed
ssh-keygen -q -t ed25519 -N '' -f "$WORK/host_ed25519"
ssh-keygen -q -t ed25519 -N '' -f "$WORK/id_ed25519"
cp "$WORK/id_ed25519.pub" "$WORK/authorized_keys"
cat > "$WORK/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $WORK/host_ed25519
PidFile $WORK/sshd.pid
AuthorizedKeysFile $WORK/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
Subsystem sftp /usr/lib/openssh/sftp-server
CFG
/usr/sbin/sshd -D -e -f "$WORK/sshd_config" 2> "$WORK/sshd.log" &
SSHD_PID=$!
for _ in $(seq 1 50); do (echo > /dev/tcp/127.0.0.1/$PORT) 2>/dev/null && break; sleep 0.1; done
ssh-keyscan -p "$PORT" -t ed25519 127.0.0.1 2>/dev/null > "$WORK/known_hosts"
ssh-keygen -q -H -f "$WORK/known_hosts" >/dev/null 2>&1 && rm -f "$WORK/known_hosts.old"

echo "machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr)"
echo "software: $(java -version 2>&1 | head -1); $(ssh -V 2>&1); $(rsync --version | head -1 | cut -c1-40)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${BENCH_DEBUG:-}" ]; then
  printf '%s\n' 'handlers=java.util.logging.ConsoleHandler' 'java.util.logging.ConsoleHandler.level=ALL' \
    '.level=WARNING' 'dev.baton.statesync.sync.level=FINE' > "$WORK/logging.properties"
  BENCH_JAVA_OPTS="${BENCH_JAVA_OPTS:-} -Djava.util.logging.config.file=$WORK/logging.properties"
fi
SSHD_PID=$SSHD_PID java -Xmx1g ${BENCH_JAVA_OPTS:-} -cp "$WORK/classes:$cp" StateSyncBench "$PORT" "$(id -un)" "$WORK/id_ed25519" "$WORK/known_hosts" "$WORK" \
    "${FILES:-10000}" "${FILE_KB:-20}" "${LAG_FILES:-1000}" "${LAG_SECONDS:-30}" "${PARALLELISM:-8}"
