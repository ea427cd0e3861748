package dev.baton.coordinator.runbook;

import static dev.baton.coordinator.support.CoordinatorTestSupport.ended;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.PostgresPair;
import dev.baton.common.testing.PostgresPair.Node;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.coordinator.support.AgainstTheWorldsDatabases;
import dev.baton.coordinator.support.PostgresPairResource;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failover, then failback with the database steps: the old primary's database, diverged after the failover, is made a
 * replica again by {@code pg-rejoin} running the shipped deploy/site/baton-pg-rejoin (stop, pg_rewind, standby.signal,
 * primary_conninfo, start) on its site, then fenced, checked and promoted back like any failover; what it wrote after
 * the fork is gone, what the standby's primary took meanwhile is there, and it takes writes again.
 */
@QuarkusTest
@TestProfile(DatabaseFailbackTest.BothWays.class)
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
@WithTestResource(PostgresPairResource.class)
class DatabaseFailbackTest extends AgainstTheWorldsDatabases {
    static final String REJOIN = "baton-pg-rejoin";
    static final String BACK = "baton.coordinator.runbooks.failback.steps";

    public static class BothWays implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> m = new HashMap<>(new DatabaseFailoverTest.WithDatabaseSteps().getConfigOverrides());
            String[] types = {"pg-rejoin", "fence", "pg-fence-old", "pg-check-replica", "pg-promote", "start"};
            for (int i = 0; i < types.length; i++) {
                m.put(BACK + "[" + i + "].type", types[i]);
                m.put(BACK + "[" + i + "].timeout", "60s");
            }
            m.put(BACK + "[0].command", REJOIN);
            m.put(BACK + "[0].duration", "45s");
            return m;
        }
    }

    @Test
    void aDivergedOldPrimaryIsRewoundIntoAReplicaThenPromotedBackWithTheStandbysWritesAndWithoutItsOwn() throws Exception {
        world.onCommand(REJOIN, this::runTheShippedScript);
        assertThat(DatabaseFailoverTest.failover().getString("status")).isEqualTo("SUCCEEDED");
        // the standby's primary takes orders; the fenced old primary takes one more through a session that overrides
        // its read-only default: its timeline forks from the new primary's
        pair.execute(Node.SECOND, "INSERT INTO orders SELECT g, 'NQ' FROM generate_series(51, 60) g");
        try (Connection c = pair.connect(Node.FIRST); Statement st = c.createStatement()) {
            st.execute("SET default_transaction_read_only = off");
            st.execute("INSERT INTO orders VALUES (1000, 'diverged')");
        }
        pg.execute("UPDATE coordinator_state SET last_operation_end = now() - interval '10 minutes'");

        JsonPath failback = ended(post("/api/v1/failback", new FailbackRequest("primary repaired", false)));

        assertThat(failback.getString("status")).as(() -> failback.prettify() + "\n" + pair.logTail(Node.FIRST, 40)).isEqualTo("SUCCEEDED");
        List<String> order = failback.getList("steps.type");
        assertThat(order).containsExactly("pg-rejoin", "fence", "pg-fence-old", "pg-check-replica", "pg-promote", "start");
        assertThat(failback.getString("steps.find { it.type == 'pg-rejoin' }.detail")).startsWith("primary's PostgreSQL")
                .contains("made a replica by 'baton-pg-rejoin'").contains("WAL receiver streaming");
        assertThat(failback.getString("steps.find { it.type == 'pg-check-replica' }.detail")).contains("caught up (database RPO 0)");
        assertThat(pair.queryOne(Node.FIRST, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertThat(pair.queryOne(Node.FIRST, "SELECT count(*) FROM orders")).isEqualTo("60");
        assertThat(pair.queryOne(Node.FIRST, "SELECT count(*) FROM orders WHERE id = 1000")).as("the fork's write is gone").isEqualTo("0");
        pair.execute(Node.FIRST, "INSERT INTO orders VALUES (61, 'ES')");
        assertThat(pair.queryOne(Node.SECOND, "SHOW default_transaction_read_only")).isEqualTo("on");
    }

    @Test
    void aRejoinThatFailsAbortsTheFailbackBeforeTheStandbyIsTouched() throws Exception {
        world.onCommand(REJOIN, request -> CommandHandler.Reply.fail(1, "baton-pg-rejoin: pg_rewind failed: the server stays stopped\n"));
        assertThat(DatabaseFailoverTest.failover().getString("status")).isEqualTo("SUCCEEDED");
        pg.execute("UPDATE coordinator_state SET last_operation_end = now() - interval '10 minutes'");

        JsonPath failback = ended(post("/api/v1/failback", new FailbackRequest("primary repaired", false)));

        assertThat(failback.getString("status")).isEqualTo("ABORTED");
        assertThat(failback.getString("steps.find { it.type == 'pg-rejoin' }.detail"))
                .startsWith("'baton-pg-rejoin' on primary exited 1: baton-pg-rejoin: pg_rewind failed: the server stays stopped (primary's "
                        + "PostgreSQL").endsWith("may be left stopped: a base backup from the active primary brings it back)");
        assertThat(failback.getString("steps.find { it.type == 'fence' }.status")).isEqualTo("PENDING");
        assertThat(world.standbyCompose().running()).isNotEmpty();
        assertThat(given().get("/api/v1/status").then().extract().<String>path("state")).isEqualTo("STANDBY_ACTIVE");
    }

    /** The site's command, run here for real: the shipped script on the pair's first node, with Baton's environment. */
    private CommandHandler.Reply runTheShippedScript(CommandHandler.Request request) {
        try {
            Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("deploy/site/baton-pg-rejoin");
            Path output = java.nio.file.Files.createTempFile("baton-pg-rejoin", ".out");
            ProcessBuilder pb = new ProcessBuilder("sh", script.toString()).redirectErrorStream(true).redirectOutput(output.toFile());
            pb.environment().putAll(pair.scriptEnvironment(Node.FIRST, Node.SECOND));
            pb.environment().put("BATON_PG_REPLICATION_USER", PostgresPair.USER);
            request.env().forEach(pb.environment()::put);
            Process p = pb.start();
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            String out = java.nio.file.Files.readString(output, StandardCharsets.UTF_8);
            java.nio.file.Files.delete(output);
            return ended && p.exitValue() == 0 ? CommandHandler.Reply.ok(out) : CommandHandler.Reply.fail(ended ? p.exitValue() : 124, out);
        } catch (Exception e) {
            return CommandHandler.Reply.fail(1, e + "\n");
        }
    }

}
