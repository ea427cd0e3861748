package dev.baton.drill;

import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code java -cp ... dev.baton.drill.DrillMain [demo] [--repo DIR] [--keep]}: starts the whole suite
 * against simulated sites on this machine, crashes the primary's engine, follows the failover, fails
 * back, and prints the timeline, the figures and the invariant checks. Exit 0 when every invariant held.
 */
public final class DrillMain {
    private DrillMain() {
    }

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(".").toAbsolutePath().normalize();
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                case "--keep" -> keep = true;
                case "demo" -> {
                }
                default -> {
                    System.err.println("usage: drill [demo] [--repo DIR] [--keep]");
                    System.exit(2);
                }
            }
        }
        Path dir = Files.createTempDirectory("baton-drill");
        System.out.println("Baton drill: everything on 127.0.0.1; work directory " + dir);
        DrillReport report;
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out)) {
            report = Scenarios.engineCrashThenFailback(world, Duration.ofSeconds(90));
        }
        report.print(System.out);
        if (!keep && report.ok()) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        } else {
            System.out.println("logs and site directories kept in " + dir);
        }
        System.exit(report.ok() ? 0 : 1);
    }
}
