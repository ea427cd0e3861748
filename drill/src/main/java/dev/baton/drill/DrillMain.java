package dev.baton.drill;

import dev.baton.drill.run.Campaign;
import dev.baton.drill.run.DatabaseScenarios;
import dev.baton.drill.run.DrillDatabases;
import dev.baton.drill.run.ChaosSummary;
import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.FaultScenarios;
import dev.baton.drill.run.LeaderLossBenchmark;
import dev.baton.drill.run.NetnsChaos;
import dev.baton.drill.run.Places;
import dev.baton.drill.run.Scenarios;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * {@code java -cp ... dev.baton.drill.DrillMain [demo|<scenario>|all|chaos] [--runs N] [--seed S] [--run K] [--jsonl FILE] [--scenarios A,B]
 * [--repo DIR] [--keep]}:
 * starts the whole suite against simulated sites on this machine, injects the scenario's fault, and prints
 * the timeline, the figures and the invariant checks. {@code demo} (the default) crashes the primary's engine,
 * follows the failover and fails back. The scenarios are those of {@link FaultScenarios#NAMES}. {@code chaos}
 * runs N scenarios (of {@code --scenarios}, default all) picked at random from a seed in one world reset to
 * its baseline between runs, each bounded in time, waiting a random 0-3 s before the fault, and prints a
 * summary table; {@code all} runs every scenario once
 * (or those of {@code --scenarios}), in that order, the same way. Exit 0 when every invariant held.
 */
public final class DrillMain {
    private static final String USAGE = "usage: drill [demo|" + String.join("|", FaultScenarios.NAMES)
            + "|all|chaos|leader-loss|netns-check|database|" + String.join("|", DatabaseScenarios.NAMES) + "|summary FILE...] [--runs N] [--seed S] [--run K] [--jsonl FILE] [--scenarios A,B]"
            + " [--store zookeeper|postgres] [--world loopback|netns] [--parallel P] [--corpus DIR] [--repo DIR] [--keep]";

    private DrillMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("summary")) {
            // the table of one or more campaigns' JSON lines (several sittings)
            List<Path> files = java.util.Arrays.stream(args).skip(1).map(Path::of).toList();
            if (files.isEmpty()) {
                System.err.println("usage: drill summary FILE.jsonl...");
                System.exit(2);
            }
            ChaosSummary.of(files).print(System.out);
            System.exit(0);
        }
        Path repo = Path.of(".").toAbsolutePath().normalize();
        boolean keep = false;
        String scenario = "demo";
        int runs = 5;
        int onlyRun = 0;
        Path jsonl = null;
        long seed = System.currentTimeMillis();
        List<String> only = FaultScenarios.NAMES;
        String world = "loopback";
        String inNetns = null;
        int parallel = 1;
        Campaign.Share share = Campaign.Share.ALL;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--world" -> world = args[++i];
                case "--in-netns" -> inNetns = args[++i];
                case "--parallel" -> parallel = Integer.parseInt(args[++i]);
                case "--worker" -> share = Campaign.Share.parse(args[++i]);
                case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--keep" -> keep = true;
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--run" -> onlyRun = Integer.parseInt(args[++i]);
                case "--jsonl" -> jsonl = Path.of(args[++i]).toAbsolutePath();
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--scenarios" -> only = List.of(args[++i].split(","));
                case "--store" -> System.setProperty("baton.drill.store", args[++i]);
                // each run's verdict recording, labelled with the faults injected: a corpus for baton replay
                case "--corpus" -> System.setProperty(dev.baton.drill.run.Corpus.PROPERTY, Path.of(args[++i]).toAbsolutePath().toString());
                default -> {
                    if (List.of("demo", "chaos", "all", "leader-loss", "netns-check", "database").contains(args[i])
                            || FaultScenarios.NAMES.contains(args[i]) || DatabaseScenarios.NAMES.contains(args[i])) {
                        scenario = args[i];
                    } else {
                        System.err.println(USAGE);
                        System.exit(2);
                    }
                }
            }
        }
        if (!world.equals("loopback") && !world.equals("netns")) {
            System.err.println("--world is loopback (the default) or netns, not " + world);
            System.exit(2);
        }
        if (parallel != 1 && (parallel < 1 || parallel > 8 || !scenario.equals("chaos") || !world.equals("netns") || onlyRun > 0)) {
            System.err.println("--parallel P (2-8) splits a chaos campaign over P namespace worlds: chaos --world netns, without --run");
            System.exit(2);
        }
        if (parallel > 1) {
            System.exit(NetnsWorld.parallel(args, parallel, jsonl, System.out));
        }
        if (world.equals("netns") && inNetns == null) {
            System.exit(NetnsWorld.reexecute(args, System.out));
        }
        Places places = inNetns == null ? Places.loopback() : Places.netns(dev.baton.drill.netns.Topology.attach(inNetns));
        boolean database = scenario.equals("database") || DatabaseScenarios.NAMES.contains(scenario);
        if (database) {
            if (places.isNetns()) {
                System.err.println("the database drill runs in the loopback world only");
                System.exit(2);
            }
            java.util.Optional<String> why = DrillDatabases.unavailable();
            if (why.isPresent()) {
                System.err.println("the database drill cannot run: " + why.get());
                System.exit(2);
            }
            System.setProperty("baton.drill.database", "pair");
            if (only == FaultScenarios.NAMES) {
                only = DatabaseScenarios.NAMES;
            }
        }
        if (!(database ? DatabaseScenarios.NAMES : FaultScenarios.NAMES).containsAll(only)) {
            System.err.println("unknown scenario in --scenarios; known: " + FaultScenarios.NAMES);
            System.exit(2);
        }
        boolean ok = switch (scenario) {
            case "chaos" -> places.isNetns() ? NetnsChaos.campaign(repo, Math.max(runs, onlyRun), seed, keep, System.out, places, onlyRun, share, jsonl)
                    : chaos(repo, Math.max(runs, onlyRun), seed, keep, System.out, only, false, onlyRun, jsonl);
            case "all" -> chaos(repo, only.size(), seed, keep, System.out, only, true, onlyRun, jsonl);
            // N runs, the database scenarios in turn (15: five of each)
            case "database" -> chaos(repo, Math.max(runs, onlyRun), seed, keep, System.out, only, true, onlyRun, jsonl);
            case "leader-loss" -> leaderLoss(repo, runs);
            case "netns-check" -> netnsCheck();
            default -> once(repo, scenario, 0, keep, System.out, places).ok();
        };
        System.exit(ok ? 0 : 1);
    }

    /**
     * The network-namespace world's own check ({@link dev.baton.drill.netns.NetnsCheck}); where it cannot run (not
     * root, no iproute2) it says why in one line and exits 0: the loopback world stays the drill's default.
     */
    static boolean netnsCheck() throws Exception {
        java.util.Optional<String> why = dev.baton.drill.netns.Netns.unavailable();
        if (why.isPresent()) {
            System.out.println("netns check not run: " + why.get() + " (the loopback world needs neither)");
            return true;
        }
        return dev.baton.drill.netns.NetnsCheck.run(dev.baton.drill.netns.Netns.worldName('c'), System.out);
    }

    /** The leader-loss benchmark ({@link LeaderLossBenchmark}) in a fresh world. */
    static boolean leaderLoss(Path repo, int runs) throws Exception {
        Path dir = Files.createTempDirectory("baton-drill-leader-loss");
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out)) {
            return LeaderLossBenchmark.run(world, runs, System.out);
        }
    }

    /** One scenario in a fresh world; {@code delayMs} before the fault (chaos only). */
    static DrillReport once(Path repo, String scenario, long delayMs, boolean keep, PrintStream out) throws Exception {
        return once(repo, scenario, delayMs, keep, out, Places.loopback());
    }

    static DrillReport once(Path repo, String scenario, long delayMs, boolean keep, PrintStream out, Places places) throws Exception {
        Path dir = workDirectory("baton-drill", places);
        out.println("Baton drill " + scenario + ": " + places.describe() + "; work directory " + dir);
        DrillReport report;
        try (DrillWorld world = DrillWorld.start(repo, dir, out, places)) {
            if (delayMs > 0) {
                world.timeline().record("chaos", "waits " + delayMs + " ms before the fault");
                Thread.sleep(delayMs);
            }
            report = scenario.equals("demo")
                    ? Scenarios.engineCrashThenFailback(world, Duration.ofSeconds(90))
                    : scenarioReport(scenario, world);
            report.figure("sites' SSH server", world.sshKind());
        }
        report.print(out);
        if (!keep && report.ok()) {
            delete(dir);
        } else {
            out.println("logs and site directories kept in " + dir);
        }
        return report;
    }

    /**
     * N seeded runs of {@code scenarios} (picked at random, or each once in order) and a summary table. One
     * world serves every run: between runs it is reset to its baseline through Baton's operator API
     * ({@link DrillWorld#reset}); a world that cannot be reset is replaced by a fresh one (counted as an error
     * for that run). {@code onlyRun} K &gt; 0 reproduces run K of that seed alone (the same scenario, fault delay and
     * seed as in the whole campaign); {@code jsonl} gets one JSON line per run (with the commit and the store).
     */
    static boolean chaos(Path repo, int runs, long seed, boolean keep, PrintStream out, List<String> scenarios, boolean inOrder, int onlyRun,
            Path jsonl) throws Exception {
        ChaosSummary summary = new ChaosSummary(jsonl, ChaosSummary.commitOf(repo), DrillWorld.storeMode());
        Path dir = Files.createTempDirectory("baton-drill-chaos");
        out.println("Baton drill chaos: " + runs + " runs, seed " + seed + ", everything on 127.0.0.1; work directory " + dir);
        long started = System.nanoTime();
        Campaign<AutoCloseable> campaign = new Campaign<>(repo, dir, out, Places.loopback(), w -> () -> { });
        campaign.run(runs, seed, onlyRun, Campaign.Share.ALL, summary, (i, runSeed) -> {
            Random r = new Random(runSeed);
            String scenario = inOrder ? scenarios.get(i % scenarios.size()) : scenarios.get(r.nextInt(scenarios.size()));
            long delay = r.nextInt(3000);
            return new Campaign.Plan<>(scenario, scenario + " (seed " + runSeed + ", fault after " + delay + " ms)", (world, none) -> {
                world.timeline().record("chaos", "waits " + delay + " ms before the fault");
                Thread.sleep(delay);
                DrillReport rep = scenarioReport(scenario, world);
                rep.figure("sites' SSH server", world.sshKind());
                return rep;
            });
        });
        int worlds = campaign.worlds();
        out.printf("%n== chaos summary: %d runs, seed %d, %d world(s), %.1f min%n", runs, seed, worlds,
                (System.nanoTime() - started) / 60e9);
        summary.print(out);
        if (!keep && summary.allPassed()) {
            delete(dir);
        } else {
            out.println("logs and site directories kept in " + dir);
        }
        return summary.allPassed();
    }

    private static DrillReport scenarioReport(String scenario, DrillWorld world) throws Exception {
        return DatabaseScenarios.NAMES.contains(scenario) ? DatabaseScenarios.run(scenario, world, Duration.ofSeconds(90))
                : FaultScenarios.run(scenario, world, Duration.ofSeconds(90));
    }

    /**
     * A new work directory; in the namespace world readable by the accounts the drill's servers run as (PostgreSQL's
     * {@code postgres}), since the drill there runs as root.
     */
    public static Path workDirectory(String prefix, Places places) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        if (places.isNetns()) {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        return dir;
    }

    public static void delete(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
