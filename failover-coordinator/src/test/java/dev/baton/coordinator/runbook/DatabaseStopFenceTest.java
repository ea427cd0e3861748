package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.PostgresPair.Node;
import dev.baton.coordinator.support.AgainstTheWorldsDatabases;
import dev.baton.coordinator.support.PostgresPairResource;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code pg-fence-old} with {@code mode: stop}: the step's command runs on the old site over SSH and the step ends
 * only once the old database refuses connections; a command that exits 0 but leaves the database up is an
 * unconfirmed fence that stops the failover before the replica is promoted.
 */
@QuarkusTest
@TestProfile(DatabaseStopFenceTest.StopMode.class)
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
@WithTestResource(PostgresPairResource.class)
class DatabaseStopFenceTest extends AgainstTheWorldsDatabases {
    static final String STOP = "stop-database";

    public static class StopMode implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(new DatabaseFailoverTest.WithDatabaseSteps().getConfigOverrides());
            m.put(DatabaseFailoverTest.STEPS + "[1].mode", "stop");
            m.put(DatabaseFailoverTest.STEPS + "[1].command", STOP);
            m.put(DatabaseFailoverTest.STEPS + "[1].timeout", "3s");
            return m;
        }
    }

    @Test
    void theOldDatabaseIsStoppedThroughItsSiteBeforeTheReplicaIsPromoted() throws Exception {
        world.onCommand(STOP, request -> {
            try {
                pair.stopNode(Node.FIRST);
                return CommandHandler.Reply.ok("");
            } catch (java.io.IOException e) {
                return CommandHandler.Reply.fail(1, e.getMessage());
            }
        });

        JsonPath o = DatabaseFailoverTest.failover();

        assertThat(o.getString("status")).isEqualTo("SUCCEEDED");
        assertThat(o.getString("steps.find { it.type == 'pg-fence-old' }.detail")).startsWith("stopped: primary's PostgreSQL")
                .contains("stopped by 'stop-database' and refuses connections");
        // the old primary stopped after the engine: the replica still had to have everything, and it had
        assertThat(o.getString("steps.find { it.type == 'pg-check-replica' }.detail")).contains("database RPO at most");
        assertThat(pair.running(Node.FIRST)).isFalse();
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertThat(world.sent()).anySatisfy(s -> assertThat(s.site() + " " + s.command()).isEqualTo("primary stop-database"));
    }

    @Test
    void aStopThatLeavesTheDatabaseUpIsAnUnconfirmedFenceAndNothingIsPromoted() throws Exception {
        world.onCommand(STOP, request -> CommandHandler.Reply.ok("pretending\n"));

        JsonPath o = DatabaseFailoverTest.failover();

        assertThat(o.getString("status")).isEqualTo("FAILED");
        assertThat(o.getString("steps.find { it.type == 'pg-fence-old' }.detail"))
                .startsWith("UNCONFIRMED: primary's PostgreSQL").endsWith("does not refuse connections after 'stop-database' exited 0: it still answers");
        assertThat(o.getString("steps.find { it.type == 'pg-promote' }.status")).isEqualTo("PENDING");
        assertThat(world.standbyCompose().running()).isEmpty();
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).isEqualTo("t");
    }

}
