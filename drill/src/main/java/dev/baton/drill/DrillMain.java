package dev.baton.drill;

import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.FaultScenarios;
import dev.baton.drill.run.Scenarios;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * {@code java -cp ... dev.baton.drill.DrillMain [demo|<scenario>|chaos] [--runs N] [--seed S] [--repo DIR] [--keep]}:
 * starts the whole suite against simulated sites on this machine, injects the scenario's fault, and prints
 * the timeline, the figures and the invariant checks. {@code demo} (the default) crashes the primary's engine,
 * follows the failover and fails back. The scenarios are those of {@link FaultScenarios#NAMES}. {@code chaos}
 * runs N scenarios picked at random from a seed, each in a fresh world and bounded in time, waiting a random
 * 0-3 s before the fault, and prints a summary table. Exit 0 when every invariant held.
 */
public final class DrillMain {
    private static final String USAGE = "usage: drill [demo|" + String.join("|", FaultScenarios.NAMES)
            + "|chaos] [--runs N] [--seed S] [--repo DIR] [--keep]";

    private DrillMain() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(".").toAbsolutePath().normalize();
        boolean keep = false;
        String scenario = "demo";
        int runs = 5;
        long seed = System.currentTimeMillis();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--keep" -> keep = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    if (args[i].equals("demo") || args[i].equals("chaos") || FaultScenarios.NAMES.contains(args[i])) {
                        scenario = args[i];
                    } else {
                        System.err.println(USAGE);
                        System.exit(2);
                    }
                }
            }
        }
        boolean ok = scenario.equals("chaos")
                ? chaos(repo, runs, seed, keep, System.out)
                : once(repo, scenario, 0, keep, System.out).ok();
        System.exit(ok ? 0 : 1);
    }

    /** One scenario in a fresh world; {@code delayMs} before the fault (chaos only). */
    static DrillReport once(Path repo, String scenario, long delayMs, boolean keep, PrintStream out) throws Exception {
        Path dir = Files.createTempDirectory("baton-drill");
        out.println("Baton drill " + scenario + ": everything on 127.0.0.1; work directory " + dir);
        DrillReport report;
        try (DrillWorld world = DrillWorld.start(repo, dir, out)) {
            if (delayMs > 0) {
                world.timeline().record("chaos", "waits " + delayMs + " ms before the fault");
                Thread.sleep(delayMs);
            }
            report = scenario.equals("demo")
                    ? Scenarios.engineCrashThenFailback(world, Duration.ofSeconds(90))
                    : FaultScenarios.run(scenario, world, Duration.ofSeconds(90));
        }
        report.print(out);
        if (!keep && report.ok()) {
            delete(dir);
        } else {
            out.println("logs and site directories kept in " + dir);
        }
        return report;
    }

    /** N seeded random runs and a summary table. */
    static boolean chaos(Path repo, int runs, long seed, boolean keep, PrintStream out) throws Exception {
        Random random = new Random(seed);
        List<String> rows = new ArrayList<>();
        boolean allOk = true;
        for (int i = 0; i < runs; i++) {
            long runSeed = random.nextLong();
            Random r = new Random(runSeed);
            String scenario = FaultScenarios.NAMES.get(r.nextInt(FaultScenarios.NAMES.size()));
            long delay = r.nextInt(3000);
            out.printf("%n== chaos run %d/%d: %s (seed %d, fault after %d ms)%n", i + 1, runs, scenario, runSeed, delay);
            String row;
            try {
                DrillReport rep = once(repo, scenario, delay, keep, out);
                var f = rep.figures();
                String det = f.getOrDefault("detection (fault -> decision)", f.getOrDefault("detection (fault -> FAILING_OVER seen)", "-"));
                String falseFailovers = scenario.equals("link-cut-witness-sees-primary")
                        ? f.getOrDefault("false failovers", "?")
                        : String.valueOf(Math.max(0, Integer.parseInt(f.getOrDefault("failover operations", "1")) - 1));
                row = String.format("%-3d %-30s %20d %10s %10s %6s %10s %6s %s", i + 1, scenario, runSeed, det,
                        f.getOrDefault("RTO (fault -> engine + DNS)", "-"), f.getOrDefault("RPO (state records lost)", "-"),
                        f.getOrDefault("broker violations", "?"), falseFailovers, rep.ok() ? "PASS" : "FAIL");
                allOk &= rep.ok();
            } catch (IOException | RuntimeException e) {
                row = String.format("%-3d %-30s %20d  ERROR %s", i + 1, scenario, runSeed, e.getMessage());
                allOk = false;
            }
            rows.add(row);
        }
        out.printf("%n== chaos summary: %d runs, seed %d%n", runs, seed);
        out.printf("%-3s %-30s %20s %10s %10s %6s %10s %6s %s%n", "#", "scenario", "seed", "detection", "RTO", "RPO",
                "violations", "falseFO", "result");
        rows.forEach(out::println);
        return allOk;
    }

    private static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
