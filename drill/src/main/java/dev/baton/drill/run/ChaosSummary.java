package dev.baton.drill.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The chaos run's results: one row per run, and per scenario the counts, the detection/RTO/RPO distribution
 * (p50, p99, max), broker violations, false failovers and pass/fail.
 */
public final class ChaosSummary {
    /** Scenarios in which any failover is a false one. */
    private static final Set<String> NO_FAILOVER_EXPECTED = Set.of("link-cut-witness-sees-primary", "maintenance-window", "flapping-health");

    /**
     * One run. Durations in seconds, null when not measured; rpo in state records, null when not measured; leaseGap the
     * longest time between two lease grants the primary's start gate logged (null: none logged), gateStops how often
     * that gate stopped its engine.
     */
    record Run(int index, String scenario, long seed, boolean passed, boolean error, Double detection, Double rto, Long rpo,
            int violations, int falseFailovers, int epochRegressions, int stateRegressions, double seconds, String note,
            Double leaseGap, int gateStops, Map<String, String> figures) {
    }

    private final List<Run> runs = new ArrayList<>();
    private final java.nio.file.Path jsonl;
    private final String commit;
    private final String store;
    private final String world;

    /** A summary that also appends one JSON line per run to {@code jsonl} (null: none), tagged with the code's commit and store. */
    public ChaosSummary(java.nio.file.Path jsonl, String commit, String store) {
        this(jsonl, commit, store, "loopback");
    }

    /** As {@link #ChaosSummary(java.nio.file.Path, String, String)}, for the {@code loopback} or {@code netns} world. */
    public ChaosSummary(java.nio.file.Path jsonl, String commit, String store, String world) {
        this.jsonl = jsonl;
        this.commit = commit;
        this.store = store;
        this.world = world;
    }

    public ChaosSummary() {
        this(null, "unknown", "unknown");
    }

    /** The commit {@code repo} is at ({@code git rev-parse --short HEAD}), "unknown" outside a checkout. */
    public static String commitOf(java.nio.file.Path repo) {
        try {
            Process p = new ProcessBuilder("git", "-C", repo.toString(), "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && out.matches("[0-9a-f]{4,40}") ? out : "unknown";
        } catch (java.io.IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private void record(Run r) {
        runs.add(r);
        if (jsonl == null) {
            return;
        }
        java.util.Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("at", java.time.Instant.now().toString());
        line.put("commit", commit);
        line.put("world", world);
        line.put("store", store);
        line.put("run", r.index());
        line.put("scenario", r.scenario());
        line.put("seed", r.seed());
        line.put("passed", r.passed());
        line.put("error", r.error());
        line.put("detectionSeconds", r.detection());
        line.put("rtoSeconds", r.rto());
        line.put("rpoRecords", r.rpo());
        line.put("brokerViolations", r.violations());
        line.put("falseFailovers", r.falseFailovers());
        line.put("epochRegressions", r.epochRegressions());
        line.put("stateRegressions", r.stateRegressions());
        line.put("seconds", r.seconds());
        line.put("leaseGapSeconds", r.leaseGap());
        line.put("gateStops", r.gateStops());
        line.put("note", r.note());
        if (!r.figures().isEmpty()) {
            // every figure as the report printed it (the database world's are only here)
            line.put("figures", new java.util.TreeMap<>(r.figures()));
        }
        try {
            java.nio.file.Files.createDirectories(jsonl.toAbsolutePath().getParent());
            byte[] bytes = (dev.baton.drill.Json.MAPPER.writeValueAsString(line) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            // the workers of a --parallel campaign append to one file: one whole line at a time
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(jsonl, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND); java.nio.channels.FileLock lock = ch.lock()) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot append to " + jsonl, e);
        }
    }

    public void add(int index, String scenario, long seed, DrillReport report, Duration took) {
        Map<String, String> f = report.figures();
        Double detection = seconds(f.getOrDefault("detection (fault -> decision)", f.get("detection (fault -> FAILING_OVER seen)")));
        Double rto = seconds(f.getOrDefault("RTO (fault -> engine + DNS)", f.get("RTO (fault -> standby trading)")));
        Long rpo = number(f.get("RPO (state records lost)"));
        Long violations = number(f.get("broker violations"));
        Long failovers = number(f.get("failover operations"));
        // the namespace world's checker judges each failover itself; a loopback scenario knows whether one was expected
        Long judged = number(f.get("false failovers"));
        int falseFailovers = judged != null ? judged.intValue() : failovers == null ? 0
                : NO_FAILOVER_EXPECTED.contains(scenario) ? failovers.intValue() : (int) Math.max(0, failovers - 1);
        Long epochs = number(f.get("epoch/term regressions"));
        Long states = number(f.get("state regressions"));
        Long gateStops = number(f.get("engine stopped by its start gate"));
        record(new Run(index, scenario, seed, report.ok(), false, detection, rto, rpo, violations == null ? 0 : violations.intValue(),
                falseFailovers, epochs == null ? 0 : epochs.intValue(), states == null ? 0 : states.intValue(), took.toMillis() / 1000.0,
                report.ok() ? "" : String.join("; ", report.violations()), seconds(f.get("longest gap between lease grants")),
                gateStops == null ? 0 : gateStops.intValue(), f));
    }

    public void error(int index, String scenario, long seed, String message) {
        record(new Run(index, scenario, seed, false, true, null, null, null, 0, 0, 0, 0, 0, "ERROR " + message, null, 0, Map.of()));
    }

    /**
     * The runs of earlier campaigns, from their JSON lines (several sittings, one table): each file's runs are
     * numbered on from the runs already here.
     */
    public static ChaosSummary of(List<java.nio.file.Path> files) throws java.io.IOException {
        ChaosSummary summary = new ChaosSummary();
        for (java.nio.file.Path file : files) {
            for (String line : java.nio.file.Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    summary.runs.add(parse(dev.baton.drill.Json.MAPPER.readTree(line), summary.runs.size() + 1));
                }
            }
        }
        return summary;
    }

    /**
     * The runs one campaign split over several processes appended to {@code file} after its first {@code from}
     * bytes, in the order of their index in the campaign (which they keep).
     */
    public static ChaosSummary appended(java.nio.file.Path file, long from) throws java.io.IOException {
        ChaosSummary summary = new ChaosSummary();
        if (java.nio.file.Files.exists(file)) {
            byte[] all = java.nio.file.Files.readAllBytes(file);
            String tail = new String(all, (int) Math.min(from, all.length), (int) Math.max(0, all.length - from), java.nio.charset.StandardCharsets.UTF_8);
            for (String line : tail.split("\n")) {
                if (!line.isBlank()) {
                    com.fasterxml.jackson.databind.JsonNode j = dev.baton.drill.Json.MAPPER.readTree(line);
                    summary.runs.add(parse(j, j.path("run").asInt()));
                }
            }
        }
        summary.runs.sort(java.util.Comparator.comparingInt(Run::index));
        return summary;
    }

    private static Run parse(com.fasterxml.jackson.databind.JsonNode j, int index) {
        return new Run(index, j.path("scenario").asText(), j.path("seed").asLong(), j.path("passed").asBoolean(), j.path("error").asBoolean(),
                decimal(j, "detectionSeconds"), decimal(j, "rtoSeconds"), j.path("rpoRecords").isNumber() ? j.path("rpoRecords").asLong() : null,
                j.path("brokerViolations").asInt(), j.path("falseFailovers").asInt(), j.path("epochRegressions").asInt(),
                j.path("stateRegressions").asInt(), j.path("seconds").asDouble(), j.path("note").asText(), decimal(j, "leaseGapSeconds"),
                j.path("gateStops").asInt(), figures(j.path("figures")));
    }

    private static Map<String, String> figures(com.fasterxml.jackson.databind.JsonNode j) {
        Map<String, String> f = new java.util.LinkedHashMap<>();
        j.fields().forEachRemaining(e -> f.put(e.getKey(), e.getValue().asText()));
        return f;
    }

    private static Double decimal(com.fasterxml.jackson.databind.JsonNode j, String field) {
        return j.path(field).isNumber() ? j.path(field).asDouble() : null;
    }

    public boolean allPassed() {
        return runs.stream().allMatch(Run::passed);
    }

    public void print(PrintStream out) {
        out.printf("%-4s %-30s %20s %9s %9s %5s %5s %4s %7s %s%n", "#", "scenario", "seed", "detect", "RTO", "RPO", "viol", "FFO",
                "took", "result");
        for (Run r : runs) {
            out.printf("%-4d %-30s %20d %9s %9s %5s %5d %4d %6.1fs %s%n", r.index(), r.scenario(), r.seed(), fmt(r.detection()),
                    fmt(r.rto()), r.rpo() == null ? "-" : r.rpo(), r.violations(), r.falseFailovers(), r.seconds(),
                    r.passed() ? "PASS" : (r.error() ? "" : "FAIL ") + r.note());
        }
        out.println();
        out.println("| scenario | runs | passed | failed | detection p50 / p99 / max (s) | RTO p50 / p99 / max (s) | RPO p50 / max (records) "
                + "| broker violations | false failovers | epoch/term + state regressions |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        // a run of several faults (the namespace world's "a + b") counts under each of them
        Map<String, List<Run>> byScenario = new TreeMap<>();
        runs.forEach(r -> {
            for (String part : r.scenario().split(" \\+ ")) {
                byScenario.computeIfAbsent(part, k -> new ArrayList<>()).add(r);
            }
        });
        byScenario.forEach((name, rs) -> row(out, "`" + name + "`", rs));
        row(out, "**all**", runs);
        List<Double> gaps = runs.stream().map(Run::leaseGap).filter(g -> g != null).sorted().toList();
        if (!gaps.isEmpty() || runs.stream().anyMatch(r -> r.gateStops() > 0)) {
            out.println();
            out.printf("The primary's start gate: longest gap between two lease grants per run, p50 / p99 / max (s) over the %d runs that "
                    + "logged one: %s; engine stopped by its gate in %d of %d runs.%n", gaps.size(), dist(gaps),
                    runs.stream().filter(r -> r.gateStops() > 0).count(), runs.size());
        }
        List<Run> database = runs.stream().filter(r -> r.figures().containsKey("database RPO (rows)")).toList();
        if (!database.isEmpty()) {
            out.println();
            out.println("| database scenario | runs | passed | database RPO p50 / max (rows) | database RPO p50 / max (s) | Baton's recorded bound "
                    + "p50 / max (s) | promotion p50 / max (s) | database RTO p50 / max (s) | failback rejoin p50 / max (s) | rewound | failback p50 / max (s) "
                    + "| failback database RPO max (rows) | Redis RPO max (entries) | broker violations |");
            out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
            Map<String, List<Run>> byDatabaseScenario = new TreeMap<>();
            database.forEach(r -> byDatabaseScenario.computeIfAbsent(r.scenario(), k -> new ArrayList<>()).add(r));
            byDatabaseScenario.forEach((name, rs) -> databaseRow(out, "`" + name + "`", rs));
        }
    }

    private static void databaseRow(PrintStream out, String name, List<Run> rs) {
        long passed = rs.stream().filter(Run::passed).count();
        out.printf("| %s | %d | %d | %s | %s | %s | %s | %s | %s | %d of %d | %s | %s | %s | %d |%n", name, rs.size(), passed,
                spread(rs, "database RPO (rows)", "%.0f"), spread(rs, "database RPO (seconds)", "%.2f"),
                spread(rs, "database RPO recorded by Baton (bound)", "%.2f"), spread(rs, "promotion (pg-promote)", "%.2f"),
                spread(rs, "database RTO (fault -> first order on the new primary)", "%.2f"),
                spread(rs, "failback rejoin (pg-rejoin)", "%.2f"),
                rs.stream().filter(r -> r.figures().getOrDefault("failback rejoin kind", "").startsWith("rewound")).count(), rs.size(),
                spread(rs, "failback (request -> engine + DNS)", "%.2f"),
                max(rs, "failback database RPO (rows)"), max(rs, "Redis RPO (entries)"),
                rs.stream().mapToInt(Run::violations).sum());
    }

    private static String max(List<Run> rs, String figure) {
        return rs.stream().map(r -> value(r.figures().get(figure))).filter(v -> v != null).max(Double::compare)
                .map(v -> String.format("%.0f", v)).orElse("-");
    }

    /** p50 / max of a figure over the runs that report it, "-" when none does. */
    private static String spread(List<Run> rs, String figure, String format) {
        List<Double> v = rs.stream().map(r -> value(r.figures().get(figure))).filter(d -> d != null).sorted().toList();
        return v.isEmpty() ? "-" : String.format(format + " / " + format, pct(v, 50), v.get(v.size() - 1));
    }

    /** "3.08 s" or "12" -> the number; anything else -> null. */
    private static Double value(String figure) {
        Double s = seconds(figure);
        Long n = s == null ? number(figure) : null;
        return s != null ? s : n == null ? null : n.doubleValue();
    }

    private static void row(PrintStream out, String name, Collection<Run> rs) {
        long passed = rs.stream().filter(Run::passed).count();
        List<Double> det = rs.stream().map(Run::detection).filter(d -> d != null).sorted().toList();
        List<Double> rto = rs.stream().map(Run::rto).filter(d -> d != null).sorted().toList();
        List<Double> rpo = rs.stream().map(Run::rpo).filter(d -> d != null).map(Long::doubleValue).sorted().toList();
        out.printf("| %s | %d | %d | %d | %s | %s | %s | %d | %d | %d + %d |%n", name, rs.size(), passed, rs.size() - passed, dist(det),
                dist(rto), rpo.isEmpty() ? "-" : String.format("%.0f / %.0f", pct(rpo, 50), rpo.get(rpo.size() - 1)),
                rs.stream().mapToInt(Run::violations).sum(), rs.stream().mapToInt(Run::falseFailovers).sum(),
                rs.stream().mapToInt(Run::epochRegressions).sum(), rs.stream().mapToInt(Run::stateRegressions).sum());
    }

    private static String dist(List<Double> sorted) {
        if (sorted.isEmpty()) {
            return "-";
        }
        return String.format("%.2f / %.2f / %.2f", pct(sorted, 50), pct(sorted, 99), sorted.get(sorted.size() - 1));
    }

    /** Nearest-rank percentile of a sorted list. */
    static double pct(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }

    private static String fmt(Double seconds) {
        return seconds == null ? "-" : String.format("%.2fs", seconds);
    }

    /** "3.08 s" -> 3.08; anything else -> null. */
    static Double seconds(String figure) {
        if (figure == null || !figure.endsWith(" s")) {
            return null;
        }
        try {
            return Double.parseDouble(figure.substring(0, figure.length() - 2).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Long number(String figure) {
        if (figure == null) {
            return null;
        }
        try {
            return Long.parseLong(figure.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
