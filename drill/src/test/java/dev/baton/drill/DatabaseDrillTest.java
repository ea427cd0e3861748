package dev.baton.drill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.OpenSshServer;
import dev.baton.common.testing.PostgresPair;
import dev.baton.common.testing.RequiredTool;
import dev.baton.drill.run.DatabaseScenarios;
import dev.baton.drill.run.DrillReport;
import dev.baton.drill.run.DrillWorld;
import dev.baton.drill.run.Places;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database world in CI (issue #18): the five services with a real PostgreSQL primary and its streaming replica
 * under the sites, the engines committing orders to them. The hardest of its scenarios runs once: the replication
 * path is cut, then the primary's whole host dies (engine, database, SSH, every path); Baton powers it off through
 * its fencing endpoint, counts the unreachable database fenced only then, promotes the lagging replica and journals
 * a bound of what it lost; the host comes back, and the failback rewinds its diverged database into a replica with
 * {@code pg_rewind} before promoting it back. Every scenario of the world: {@code DrillMain database --runs 15}.
 */
class DatabaseDrillTest {

    @TempDir
    Path dir;

    @Test
    void aLostPrimaryWithALaggingReplicaFailsOverWithinItsRecordedBoundAndIsRewoundOnFailback() throws Exception {
        Path repo = BuiltRepository.require();
        RequiredTool.require(OpenSshServer.available(), "Debian's OpenSSH sshd: the sites run baton-pg-rejoin in a real shell");
        PostgresPair.require();

        DrillReport report;
        // the single-coordinator PostgreSQL store: the databases are what this test is about, and a world without the
        // ZooKeeper ensemble starts faster (the campaigns run the database world on ZooKeeper)
        String store = System.getProperty("baton.drill.store");
        System.setProperty("baton.drill.store", "postgres");
        try (DrillWorld world = DrillWorld.start(repo, dir, System.out, Places.loopback(), true)) {
            report = DatabaseScenarios.run("db-host-loss-lagging", world, Duration.ofSeconds(120));
        } finally {
            if (store == null) {
                System.clearProperty("baton.drill.store");
            } else {
                System.setProperty("baton.drill.store", store);
            }
        }
        report.print(System.out);

        assertThat(report.violations()).as("invariant checks").isEmpty();
        // the orders committed while the replication path was cut are lost, and counted
        assertThat(Long.parseLong(report.figures().get("database RPO (rows)"))).isPositive();
        assertThat(report.figures().get("failback rejoin kind")).isEqualTo("rewound (pg_rewind)");
        assertThat(report.figures().get("failback database RPO (rows)")).isEqualTo("0");
    }
}
