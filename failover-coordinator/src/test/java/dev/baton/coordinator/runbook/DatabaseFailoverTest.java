package dev.baton.coordinator.runbook;

import static dev.baton.coordinator.support.CoordinatorTestSupport.ended;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.ComposeEmulator;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.PostgresPair.Node;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.support.AgainstTheWorldsDatabases;
import dev.baton.coordinator.support.PostgresPairResource;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A failover whose runbook carries the database steps, against the {@link dev.baton.coordinator.support.World}'s
 * two sites and a real PostgreSQL primary/replica pair as their databases: the journal shows the old database kept
 * from writes, the replica checked and promoted before the new engine started; a lagging replica stops the failover
 * before anything is promoted or started; a dry run shows each database precondition as it stands and changes
 * nothing. ({@link DatabaseStopFenceTest}: the old database stopped instead.)
 */
@QuarkusTest
@TestProfile(DatabaseFailoverTest.WithDatabaseSteps.class)
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
@WithTestResource(PostgresPairResource.class)
class DatabaseFailoverTest extends AgainstTheWorldsDatabases {
    static final String STEPS = "baton.coordinator.runbooks.failover.steps";

    public static class WithDatabaseSteps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(Map.entry(STEPS + "[0].type", "fence"), Map.entry(STEPS + "[0].timeout", "20s"),
                    Map.entry(STEPS + "[1].type", "pg-fence-old"), Map.entry(STEPS + "[1].timeout", "20s"),
                    Map.entry(STEPS + "[2].type", "pg-check-replica"), Map.entry(STEPS + "[2].duration", "2s"),
                    Map.entry(STEPS + "[2].timeout", "20s"),
                    Map.entry(STEPS + "[3].type", "pg-promote"), Map.entry(STEPS + "[3].timeout", "30s"),
                    Map.entry(STEPS + "[4].type", "start"));
        }
    }

    @Test
    void theOldDatabaseIsFencedAndTheReplicaCheckedAndPromotedBeforeTheNewEngineStarts() throws Exception {
        JsonPath o = failover();

        assertThat(o.getString("status")).isEqualTo("SUCCEEDED");
        List<String> order = o.getList("steps.type");
        assertThat(order).containsExactly("fence", "pg-fence-old", "pg-check-replica", "pg-promote", "start");
        assertThat(step(o, "pg-fence-old", "detail")).startsWith("read-only: primary's PostgreSQL");
        assertThat(step(o, "pg-check-replica", "detail")).contains("caught up (database RPO 0)");
        assertThat(step(o, "pg-promote", "detail")).contains("promoted (pg_promote)").contains("a write confirmed");
        Instant promoted = Instant.parse(step(o, "pg-promote", "finishedAt"));
        Instant fenced = Instant.parse(step(o, "pg-fence-old", "finishedAt"));
        assertThat(fenced).isBefore(Instant.parse(step(o, "pg-promote", "startedAt")));
        List<ComposeEmulator.Event> starts = world.standbyCompose().events().stream().filter(ComposeEmulator.Event::running).toList();
        assertThat(starts).isNotEmpty().allSatisfy(e -> assertThat(e.at()).isAfter(promoted));
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        assertThat(pair.queryOne(Node.FIRST, "SHOW default_transaction_read_only")).isEqualTo("on");
        assertThat(pair.queryOne(Node.SECOND, "SELECT count(*) FROM orders")).isEqualTo("50");
    }

    @Test
    void aLaggingReplicaStopsTheFailoverBeforeAnythingIsPromotedOrStarted() throws Exception {
        pair.execute(Node.SECOND, "SELECT pg_wal_replay_pause()");
        pair.execute(Node.FIRST, "INSERT INTO orders SELECT g, 'CL' FROM generate_series(51, 80) g");

        JsonPath o = failover();

        assertThat(o.getString("status")).isEqualTo("FAILED");
        assertThat(step(o, "pg-check-replica", "detail")).startsWith("REFUSED: standby's PostgreSQL").contains(" bytes behind")
                .endsWith("above max-lag 0 ms: not promoting");
        assertThat(step(o, "pg-promote", "status")).isEqualTo("PENDING");
        assertThat(step(o, "start", "status")).isEqualTo("PENDING");
        assertThat(given().get("/api/v1/status").then().extract().<String>path("state")).isEqualTo("DEGRADED");
        assertThat(world.standbyCompose().running()).isEmpty();
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).isEqualTo("t");
    }

    @Test
    void aDryRunShowsEachDatabasePreconditionAsItStands() throws Exception {
        JsonPath plan = post("/api/v1/failover", new FailoverRequest("what if", true, false)).statusCode(200).extract().jsonPath();

        assertThat(plan.getString("steps.find { it.type == 'pg-fence-old' }.now")).endsWith("answers, a primary, taking writes");
        assertThat(plan.getString("steps.find { it.type == 'pg-check-replica' }.now")).contains("caught up (database RPO 0): would pass");
        assertThat(plan.getString("steps.find { it.type == 'pg-promote' }.now")).endsWith("can be promoted");
        assertThat(plan.getString("steps.find { it.type == 'start' }.now")).isNull();
        assertThat(pair.queryOne(Node.FIRST, "SHOW default_transaction_read_only")).isEqualTo("off");
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).isEqualTo("t");
    }

    @Test
    void theStatusAndTheMetricsCarryTheReplicasLag() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(500))
                .until(() -> given().get("/api/v1/status").then().extract().path("database.checkedAt") != null
                        && Integer.valueOf(0).equals(given().get("/api/v1/status").then().extract().path("database.bytesBehind")));

        JsonPath status = given().get("/api/v1/status").then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("database.primary")).isEqualTo("primary");
        assertThat(status.getString("database.replica")).isEqualTo("standby");
        assertThat(status.getBoolean("database.streaming")).isTrue();
        assertThat(status.getDouble("database.lagSeconds")).isZero();
        assertThat(status.getDouble("database.rpoTargetSeconds")).isEqualTo(5.0);
        assertThat(status.getString("database.problem")).isNull();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("baton_coordinator_database_replica_streaming 1.0", "baton_coordinator_database_replica_lag_seconds 0.0",
                "baton_coordinator_database_replica_lag_bytes 0.0", "baton_coordinator_database_rpo_target_seconds 5.0");
    }

    static JsonPath failover() {
        return ended(post("/api/v1/failover", new FailoverRequest("planned switchover", false, false)));
    }

    private static String step(JsonPath o, String type, String field) {
        return o.getString("steps.find { it.type == '" + type + "' }." + field);
    }
}
