package dev.baton.drill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.common.testing.KnotServers;
import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.FaultScenarios;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault scenarios beyond the demo, each in a fresh world. About a minute each, so they run only with
 * {@code -Dbaton.drill.all=true} (the CI budget holds the demo alone); from the command line they are
 * {@code DrillMain <scenario>}.
 */
class FaultScenariosDrillTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"engine-hang", "coordinator-crash", "link-cut-witness-sees-primary", "recovered-primary"})
    void everyInvariantHolds(String scenario) throws Exception {
        assumeTrue(Boolean.getBoolean("baton.drill.all"), "the long drill scenarios run with -Dbaton.drill.all=true");
        Path repo = Path.of("..").toAbsolutePath().normalize();
        assumeTrue(Files.isRegularFile(repo.resolve("failover-coordinator/target/quarkus-app/quarkus-run.jar")),
                "the service jars are built by ./mvnw package/verify before this module");
        assumeTrue(KnotServers.available(), "knotd (Debian package knot) is needed for the authoritative nameservers");

        DrillReport report;
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out)) {
            report = FaultScenarios.run(scenario, world, Duration.ofSeconds(120));
        }
        report.print(System.out);

        assertThat(report.violations()).as("invariant checks of " + scenario).isEmpty();
    }
}
