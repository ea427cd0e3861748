#!/usr/bin/env bash
# Benchmark: the Baton health-checker vs Prometheus blackbox_exporter, both probing the same 1,000
# loopback HTTP targets once a second. Prints checks/s, scheduling lag p50/p99 (health-checker) and
# CPU seconds and RSS per 1,000 probes for both. A program, not a test.
#
# Usage (as an unprivileged user, after `./mvnw -B -o package -pl health-checker -DskipTests`):
#   bench/health-checker/run.sh [CHECKS=1000] [MEASURE_SECONDS=60]
# Env: WARMUP (s, default 20), HC_JAVA_OPTS (default "-Xmx256m -XX:+UseSerialGC"), BLACKBOX (binary path).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CHECKS=${1:-1000}
MEASURE=${2:-60}
WARMUP=${WARMUP:-20}
HC_JAVA_OPTS=${HC_JAVA_OPTS:--Xmx256m -XX:+UseSerialGC}
BLACKBOX=${BLACKBOX:-/usr/bin/prometheus-blackbox-exporter}
JAR=$ROOT/health-checker/target/quarkus-app/quarkus-run.jar
LIB="$ROOT/health-checker/target/quarkus-app/lib/main/*"   # Vert.x/Netty for the target and the driver
TARGET_PORT=${TARGET_PORT:-18181}
HC_PORT=${HC_PORT:-17081}
BB_PORT=${BB_PORT:-19115}
CLK_TCK=$(getconf CLK_TCK)

[ -f "$JAR" ] || { echo "build first: ./mvnw -B -o package -pl health-checker -DskipTests" >&2; exit 1; }
WORK=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

cpu_seconds() { awk -v t="$CLK_TCK" '{printf "%.2f", ($14+$15)/t}' "/proc/$1/stat"; }
rss_mb() { awk '/^VmRSS/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
hwm_mb() { awk '/^VmHWM/ {printf "%.0f", $2/1024}' "/proc/$1/status"; }
wait_http() { for _ in $(seq 1 120); do curl -fsS -o /dev/null "$1" 2>/dev/null && return 0; sleep 0.5; done; echo "timeout waiting for $1" >&2; return 1; }

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); java: $(java -version 2>&1 | head -1)"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); checks: $CHECKS at 1s, timeout 900ms; warmup ${WARMUP}s; measured ${MEASURE}s"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

# the target both probers hit
java -cp "$LIB" "$HERE/Target.java" "$TARGET_PORT" > "$WORK/target.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$TARGET_PORT/health"

# ---- Baton health-checker -------------------------------------------------------------------
mkdir -p "$WORK/hc/config"
{
  echo "baton.health.observer=bench"
  echo "baton.auth.tokens=bench-token-0123456789"
  echo "quarkus.http.port=$HC_PORT"
  echo "quarkus.log.level=WARN"
  for i in $(seq 0 $((CHECKS - 1))); do
    echo "baton.health.checks[$i].name=c$i"
    echo "baton.health.checks[$i].site=s$((i % 10))"
    echo "baton.health.checks[$i].type=http"
    echo "baton.health.checks[$i].target=http://127.0.0.1:$TARGET_PORT/health?c=$i"
    echo "baton.health.checks[$i].interval=1s"
    echo "baton.health.checks[$i].timeout=900ms"
  done
} > "$WORK/hc/config/application.properties"
(cd "$WORK/hc" && exec java $HC_JAVA_OPTS -jar "$JAR") > "$WORK/hc.log" 2>&1 &
HC=$!
PIDS+=($HC)
wait_http "http://127.0.0.1:$HC_PORT/q/health/ready"
sleep "$WARMUP"
T0=$(date +%s.%N)
curl -fsS "http://127.0.0.1:$HC_PORT/q/metrics" > "$WORK/m0"
CPU0=$(cpu_seconds $HC)
sleep "$MEASURE"
T1=$(date +%s.%N)
curl -fsS "http://127.0.0.1:$HC_PORT/q/metrics" > "$WORK/m1"
CPU1=$(cpu_seconds $HC)
HC_RSS=$(rss_mb $HC)
HC_HWM=$(hwm_mb $HC)
HC_LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
UP=$(curl -fsS "http://127.0.0.1:$HC_PORT/api/v1/checks" | grep -o '"status":"UP"' | wc -l)
kill $HC; wait $HC 2>/dev/null || true

python3 - "$WORK/m0" "$WORK/m1" "$(echo "$T1 - $T0" | bc -l)" "$CPU0" "$CPU1" "$HC_RSS" "$HC_HWM" "$UP" "$CHECKS" <<'PY'
import re, sys
m0, m1, secs, cpu0, cpu1, rss, hwm, up, checks = sys.argv[1:]
def parse(path):
    probes, buckets, quant, skipped = 0.0, {}, {}, 0.0
    for line in open(path):
        if line.startswith("baton_health_checker_probes_skipped_total"):
            skipped += float(line.split()[-1])
        if line.startswith("baton_health_checker_probe_duration_seconds_count"):
            probes += float(line.split()[-1])
        m = re.match(r'baton_health_checker_scheduling_lag_seconds_bucket\{le="([^"]+)"\} (\S+)', line)
        if m:
            buckets[float(m.group(1)) if m.group(1) != "+Inf" else float("inf")] = float(m.group(2))
        m = re.match(r'baton_health_checker_scheduling_lag_seconds\{quantile="([^"]+)"\} (\S+)', line)
        if m:
            quant[m.group(1)] = float(m.group(2))
    return probes, buckets, quant, skipped
p0, b0, _, s0 = parse(m0)
p1, b1, q1, s1 = parse(m1)
probes = p1 - p0
delta = {le: b1[le] - b0.get(le, 0) for le in b1}
total = delta.get(float("inf"), 0)
def pct(q):
    for le in sorted(delta):
        if delta[le] >= q * total:
            return le
cpu = float(cpu1) - float(cpu0)
print(f"health-checker: {probes/float(secs):.0f} checks/s; scheduling lag p50 <= {pct(0.5)*1000:.2f} ms, p99 <= {pct(0.99)*1000:.2f} ms "
      f"(histogram buckets); quantile gauges p50 {q1.get('0.5',0)*1000:.2f} ms, p99 {q1.get('0.99',0)*1000:.2f} ms; "
      f"{up}/{checks} checks UP; {s1 - s0:.0f} probes skipped (previous still running)")
print(f"health-checker: CPU {cpu:.2f} s for {probes:.0f} probes = {cpu/probes*1000:.3f} CPU s per 1,000 probes; RSS {rss} MiB (peak {hwm} MiB)")
PY

# ---- blackbox_exporter --------------------------------------------------------------------
"$BLACKBOX" --config.file="$HERE/blackbox.yml" --web.listen-address="127.0.0.1:$BB_PORT" > "$WORK/bb.log" 2>&1 &
BB=$!
PIDS+=($BB)
wait_http "http://127.0.0.1:$BB_PORT/metrics"
java -cp "$LIB" "$HERE/BlackboxDriver.java" "$BB_PORT" "$TARGET_PORT" "$CHECKS" "$CHECKS" "$WARMUP" > /dev/null 2>&1
BCPU0=$(cpu_seconds $BB)
OUT=$(java -cp "$LIB" "$HERE/BlackboxDriver.java" "$BB_PORT" "$TARGET_PORT" "$CHECKS" "$CHECKS" "$MEASURE" 2>/dev/null)
BCPU1=$(cpu_seconds $BB)
BB_RSS=$(rss_mb $BB)
BB_HWM=$(hwm_mb $BB)
echo "blackbox driver: $OUT"
echo "load average: after health-checker run $HC_LOAD; after blackbox run $(cut -d' ' -f1-3 /proc/loadavg)"
python3 - "$OUT" "$BCPU0" "$BCPU1" "$BB_RSS" "$BB_HWM" "$MEASURE" <<'PY'
import re, sys
out, c0, c1, rss, hwm, secs = sys.argv[1:]
ok = int(re.search(r"probes_ok=(\d+)", out).group(1)); failed = int(re.search(r"probes_failed=(\d+)", out).group(1))
probes = ok + failed
cpu = float(c1) - float(c0)
print(f"blackbox_exporter: {probes/float(secs):.0f} probes/s ({failed} failed); CPU {cpu:.2f} s for {probes} probes = "
      f"{cpu/probes*1000:.3f} CPU s per 1,000 probes; RSS {rss} MiB (peak {hwm} MiB)")
PY
