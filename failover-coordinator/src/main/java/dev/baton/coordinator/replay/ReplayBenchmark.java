package dev.baton.coordinator.replay;

import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The replay's figures (docs/BENCHMARKS.md; a program, not a test):
 *
 * <pre>
 * java -cp "failover-coordinator/target/quarkus-app/app/*:failover-coordinator/target/quarkus-app/lib/main/*" \
 *     dev.baton.coordinator.replay.ReplayBenchmark [DAYS [CANDIDATES]]
 * </pre>
 *
 * Writes a synthetic recording of DAYS days (default 3): three observers reporting every 500 ms on two sites, ten
 * checks in all (six on the primary, four on the standby), a 60 s outage of the primary every 6 hours (labelled due)
 * and a 1.5 s blip every hour (labelled not due); prints its size, compressed, per day. Then replays it with one
 * candidate and with CANDIDATES (default 10) confirmation times in one pass, and prints reports and check verdicts
 * per second and the most heap in use while it ran (sampled every 100 ms; the heap's limit is the JVM's -Xmx).
 */
public final class ReplayBenchmark {
    private static final List<String> OBSERVERS = List.of("primary-side", "standby", "witness");

    private ReplayBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int days = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        int candidates = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        Path file = Files.createTempFile("baton-replay-benchmark", ".jsonl.gz");
        try {
            long t0 = System.nanoTime();
            long reports = write(file, days);
            double writeSeconds = (System.nanoTime() - t0) / 1e9;
            long size = Files.size(file);
            System.out.printf("recording: %d days, %d reports (%d check verdicts), %.1f MB compressed (%.1f MB a day, %.0f bytes a report), "
                    + "written in %.1f s%n", days, reports, reports * 10, size / 1e6, size / 1e6 / days, (double) size / reports, writeSeconds);
            run(file, List.of(Map.of("tick", "500ms", "confirmation", "2s", "staleness", "5s", "maintenance-windows", "none")), reports);
            List<Map<String, String>> sweep = new ArrayList<>();
            for (int i = 1; i <= candidates; i++) {
                Map<String, String> c = new LinkedHashMap<>(Map.of("tick", "500ms", "staleness", "5s", "maintenance-windows", "none"));
                c.put("confirmation", i + "s");
                sweep.add(c);
            }
            run(file, sweep, reports);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void run(Path file, List<Map<String, String>> candidates, long reports) throws Exception {
        System.gc();
        long before = used();
        long[] peak = {before};
        Thread sampler = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak[0] = Math.max(peak[0], used());
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "heap-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        Replayer.Report report;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(Files.newInputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16)) {
            report = Replayer.replay(in, candidates, Duration.ofSeconds(30));
        }
        double s = (System.nanoTime() - t0) / 1e9;
        sampler.interrupt();
        sampler.join();
        System.out.printf("replay, %d candidate(s) in one pass: %.1f s, %.0f reports/s, %.2f M check verdicts/s (x candidates: %.2f M/s); "
                + "heap in use before %.0f MB, peak during %.0f MB%n", candidates.size(), s, reports / s, reports * 10 / s / 1e6,
                reports * 10.0 * candidates.size() / s / 1e6, before / 1e6, peak[0] / 1e6);
        Replayer.Result first = report.results().get(0);
        System.out.printf("  %s: %d failovers, %d false, %d missed, detection p50 %s%n", first.candidate().label(), first.failovers().size(),
                first.falseFailovers(), first.missed(), first.detection(50));
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The synthetic recording, written as it is generated (nothing held). */
    private static long write(Path file, int days) throws IOException {
        long start = Instant.parse("2026-11-01T00:00:00Z").toEpochMilli();
        long end = start + Duration.ofDays(days).toMillis();
        long n = 0;
        List<String> labels = new ArrayList<>();
        try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(new GZIPOutputStream(Files.newOutputStream(file), 1 << 16),
                StandardCharsets.UTF_8), 1 << 16)) {
            w.write(Recording.header(new Recording.Header(1, "benchmark", "primary", "standby", Set.copyOf(OBSERVERS))));
            w.write('\n');
            for (long t = start; t < end; t += 500) {
                long inDay = (t - start) % Duration.ofHours(6).toMillis();
                long inHour = (t - start) % Duration.ofHours(1).toMillis();
                boolean outage = inDay >= Duration.ofHours(3).toMillis() && inDay < Duration.ofHours(3).plusSeconds(60).toMillis();
                boolean blip = inHour >= Duration.ofMinutes(30).toMillis() && inHour < Duration.ofMinutes(30).plusMillis(1500).toMillis();
                if (inDay == Duration.ofHours(3).toMillis()) {
                    labels.add(Recording.line(new Recording.Label(t, t + 60_000, "primary", true, "outage")));
                }
                if (inHour == Duration.ofMinutes(30).toMillis()) {
                    labels.add(Recording.line(new Recording.Label(t, t + 1_500, "primary", false, "blip")));
                }
                for (String o : OBSERVERS) {
                    w.write(Recording.line(new Recording.Verdict(t + 3, report(o, t, outage || blip))));
                    w.write('\n');
                    n++;
                }
            }
            for (String l : labels) {
                w.write(l);
                w.write('\n');
            }
        }
        return n;
    }

    private static VerdictReport report(String observer, long at, boolean down) {
        HealthStatus p = down ? HealthStatus.DOWN : HealthStatus.UP;
        List<CheckResult> primary = new ArrayList<>();
        for (String c : List.of("engine-http", "engine-detailed", "gateway-tcp", "host-tcp", "postgres", "engine-container")) {
            primary.add(new CheckResult("primary-" + c, "http", null, c.startsWith("engine") ? p : HealthStatus.UP, 0, 0, null, null, null));
        }
        List<CheckResult> standby = new ArrayList<>();
        for (String c : List.of("host-tcp", "ssh", "postgres-replica", "state-sync")) {
            standby.add(new CheckResult("standby-" + c, "tcp", null, HealthStatus.UP, 0, 0, null, null, null));
        }
        return new VerdictReport(observer, Instant.ofEpochMilli(at), Map.of("primary", new SiteVerdict(p, null, primary), "standby",
                new SiteVerdict(HealthStatus.UP, null, standby)));
    }
}
