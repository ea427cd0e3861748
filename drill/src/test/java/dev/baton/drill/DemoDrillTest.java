package dev.baton.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.KnotServers;
import dev.baton.common.testing.RequiredTool;
import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.Scenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI subset of the drill: the five real services, started from the jars this build just made,
 * against two simulated sites. The primary's engine crashes; Baton must fail over and an operator
 * fails back, with no double-active engine, no state lost or regressed, and alerts delivered.
 */
class DemoDrillTest {

    @TempDir
    Path dir;

    @Test
    void engineCrashFailsOverAndBackWithEveryInvariantHeld() throws Exception {
        Path repo = Path.of("..").toAbsolutePath().normalize();
        RequiredTool.require(Files.isRegularFile(repo.resolve("failover-coordinator/target/quarkus-app/quarkus-run.jar")),
                "the service jars (./mvnw package or verify builds them before this module)");
        RequiredTool.require(KnotServers.available(), "knotd (Debian package knot), the drill's authoritative nameservers");

        DrillReport report;
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out)) {
            report = Scenarios.engineCrashThenFailback(world, Duration.ofSeconds(120));
        }
        report.print(System.out);

        assertThat(report.violations()).as("invariant checks").isEmpty();
        assertThat(report.figures().get("RPO (state records lost)")).isEqualTo("0");
        assertThat(report.figures().get("RTO (fault -> engine + DNS)")).isNotEqualTo("n/a");
        assertThat(report.figures().get("failback (request -> engine + DNS)")).isNotEqualTo("n/a");
    }
}
