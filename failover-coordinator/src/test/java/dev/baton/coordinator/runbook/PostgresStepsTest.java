package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.testing.PostgresPair;
import dev.baton.common.testing.PostgresPair.Node;
import dev.baton.common.wire.FailoverState;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.OperationRow;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import io.vertx.mutiny.core.Vertx;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database steps against a real PostgreSQL primary ("primary" site) and its streaming replica ("standby"),
 * Debian's server, a fresh pair for each test: the old primary is kept from writing before anything is promoted, a
 * lagging replica is refused with its lag, a gone old primary is accepted only once its site is powered off (its loss
 * recorded; a site presumed fenced by its lease is not enough), a
 * promotion is confirmed by a write and never happens twice when the step runs again after a crash.
 */
class PostgresStepsTest {
    private static Vertx vertx;
    private PostgresPair pair;
    private SiteDatabases databases;
    private PostgresSteps steps;

    @BeforeAll
    static void vertx() {
        PostgresPair.require();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @BeforeEach
    void pair() throws Exception {
        pair = PostgresPair.start();
        pair.execute(Node.FIRST, "CREATE TABLE orders (id bigint PRIMARY KEY, symbol text NOT NULL)");
        pair.execute(Node.FIRST, "INSERT INTO orders SELECT g, 'ES' FROM generate_series(1, 100) g");
        Map<String, String> m = new HashMap<>();
        for (Object[] site : new Object[][] {{"primary", Node.FIRST}, {"standby", Node.SECOND}}) {
            String p = "baton.coordinator.sites." + site[0] + ".";
            m.put(p + "role", (String) site[0]);
            m.put(p + "host", "127.0.0.1");
            m.put(p + "private-key", "/nonexistent");
            m.put(p + "known-hosts", "/nonexistent");
            m.put(p + "root", "/");
            m.put(p + "database.host", "127.0.0.1");
            m.put(p + "database.port", String.valueOf(pair.port((Node) site[1])));
            m.put(p + "database.user", PostgresPair.USER);
            m.put(p + "database.password-file", pair.passwordFile().toString());
            m.put(p + "database.ssl-mode", "disable");
        }
        m.put("baton.coordinator.observers.names", "a,b,c");
        CoordinatorConfig config = new SmallRyeConfigBuilder().withMapping(CoordinatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", m) {
                }).build().getConfigMapping(CoordinatorConfig.class);
        databases = new SiteDatabases(vertx, config);
        steps = new PostgresSteps(databases, null, Clock.systemUTC());
        awaitReplayed();
    }

    @AfterEach
    void close() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theOldPrimaryRefusesWritesBeforeACaughtUpReplicaIsPromotedAndTakesThem() throws Exception {
        OperationContext ctx = ctx();

        String fenced = steps.fenceOld(step("pg-fence-old"), ctx, deadline());
        String checked = steps.checkReplica(step("pg-check-replica"), ctx, deadline());
        String promoted = steps.promote(step("pg-promote"), ctx, deadline());

        assertThat(fenced).startsWith("read-only: primary's PostgreSQL").contains("a fresh session's write refused")
                .contains("read-only transaction");
        assertThat(ctx.oldDatabase).isEqualTo(PostgresSteps.OldDatabase.READ_ONLY);
        assertThatThrownBy(() -> pair.execute(Node.FIRST, "INSERT INTO orders VALUES (101, 'NQ')")).isInstanceOf(SQLException.class)
                .hasMessageContaining("read-only transaction");
        assertThat(checked).contains("standby's PostgreSQL").contains("is a replica").contains("caught up (database RPO 0)");
        assertThat(promoted).contains("promoted (pg_promote)").contains("a write confirmed");
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).isEqualTo("f");
        pair.execute(Node.SECOND, "INSERT INTO orders VALUES (101, 'NQ')");
        assertThat(pair.queryOne(Node.SECOND, "SELECT count(*) FROM orders")).isEqualTo("101");
    }

    @Test
    void aLaggingReplicaIsRefusedWithItsLagThenPassesOnceItCatchesUp() throws Exception {
        pair.execute(Node.SECOND, "SELECT pg_wal_replay_pause()");
        pair.execute(Node.FIRST, "INSERT INTO orders SELECT g, 'CL' FROM generate_series(101, 200) g");
        OperationContext ctx = ctx();
        RunbookStep strict = step("pg-check-replica").withDuration(Duration.ofMillis(600));

        assertThatThrownBy(() -> steps.checkReplica(strict, ctx, deadline())).isInstanceOf(StepFailed.class)
                .hasMessageStartingWith("REFUSED: standby's PostgreSQL (127.0.0.1:" + pair.port(Node.SECOND) + "/postgres) is a replica")
                .hasMessageContaining(" bytes behind, last replayed transaction ").hasMessageEndingWith("; above max-lag 0 ms: not promoting");
        assertThat(pair.queryOne(Node.SECOND, "SELECT pg_is_in_recovery()")).as("nothing promoted").isEqualTo("t");
        // a generous max-lag takes the replica as it is: the lag is in the account
        assertThat(steps.checkReplica(withMaxLag(step("pg-check-replica"), Duration.ofHours(1)), ctx, deadline())).contains(" bytes behind");

        pair.execute(Node.SECOND, "SELECT pg_wal_replay_resume()");
        assertThat(steps.checkReplica(step("pg-check-replica").withDuration(Duration.ofSeconds(30)), ctx, deadline()))
                .contains("caught up (database RPO 0)");
    }

    @Test
    void aGoneOldPrimaryIsAcceptedOnlyOnceItsSiteIsPoweredOffWithTheReplicasLagAsTheRpo() throws Exception {
        pair.crashNode(Node.FIRST);
        OperationContext ctx = ctx();

        // the fence reached the site (the host is up, only its database does not answer): nothing says it takes no writes
        ctx.fromReachable = true;
        assertThatThrownBy(() -> steps.fenceOld(step("pg-fence-old"), ctx, deadline())).isInstanceOf(StepFailed.class)
                .hasMessageStartingWith("UNCONFIRMED: primary's PostgreSQL").hasMessageContaining("may still take writes");
        ctx.fromReachable = null;
        assertThatThrownBy(() -> steps.checkReplica(step("pg-check-replica"), ctx, deadline())).isInstanceOf(StepFailed.class)
                .hasMessageContaining("and not confirmed fenced: the replica's lag cannot be told: not promoting");

        // the fence found the site unreachable and presumed it fenced by its lease: only its engine is known stopped
        ctx.fromReachable = false;
        assertThatThrownBy(() -> steps.fenceOld(step("pg-fence-old"), ctx, deadline())).isInstanceOf(StepFailed.class)
                .hasMessageContaining("its site was only presumed fenced (its engine stopped by the lease)");
        // the fence powered the site off: nothing runs there
        ctx.fromPoweredOff = true;
        String fenced = steps.fenceOld(step("pg-fence-old"), ctx, deadline());
        String checked = steps.checkReplica(step("pg-check-replica"), ctx, deadline());

        assertThat(fenced).startsWith("site fenced: primary's PostgreSQL").contains("unreachable");
        assertThat(PostgresSteps.OldDatabase.fromJournal(fenced)).isEqualTo(PostgresSteps.OldDatabase.SITE_FENCED);
        assertThat(checked).matches(".*database RPO at most \\d+\\.\\d{3}s of writes \\(last replayed transaction \\d+\\.\\d{3}s ago\\)");
        assertThat(steps.promote(step("pg-promote"), ctx, deadline())).contains("promoted (pg_promote)");
        assertThat(pair.queryOne(Node.SECOND, "SELECT count(*) FROM orders")).isEqualTo("100");
    }

    @Test
    void aPromotionRunAgainAfterACrashConfirmsWithoutPromotingTwiceAndAPrimaryIsNeverTakenForAReplica() throws Exception {
        OperationContext ctx = ctx();
        steps.fenceOld(step("pg-fence-old"), ctx, deadline());
        steps.checkReplica(step("pg-check-replica"), ctx, deadline());
        steps.promote(step("pg-promote"), ctx, deadline());
        String timeline = pair.queryOne(Node.SECOND, "SELECT timeline_id FROM pg_control_checkpoint()");

        // the coordinator crashed after pg_promote, before the journal said so: the resumed operation runs the step again
        String again = steps.promote(step("pg-promote"), ctx, deadline());

        assertThat(again).contains("already promoted (not a replica when this step began: resumed)").contains("a write confirmed");
        assertThat(pair.queryOne(Node.SECOND, "SELECT timeline_id FROM pg_control_checkpoint()")).isEqualTo(timeline);
        assertThatThrownBy(() -> steps.checkReplica(step("pg-check-replica"), ctx, deadline())).isInstanceOf(StepFailed.class)
                .hasMessageContaining("is not a replica (pg_is_in_recovery() is false)");
    }

    @Test
    void aDryRunShowsEachPreconditionAsItStandsAndChangesNothing() throws Exception {
        assertThat(steps.evaluate(step("pg-fence-old"), "primary", "standby")).isEqualTo("now: primary's PostgreSQL (127.0.0.1:"
                + pair.port(Node.FIRST) + "/postgres) answers, a primary, taking writes");
        assertThat(steps.evaluate(step("pg-check-replica"), "primary", "standby")).contains("caught up (database RPO 0): would pass");
        assertThat(steps.evaluate(step("pg-promote"), "primary", "standby")).endsWith("is a replica (WAL receiver streaming): can be promoted");
        pair.stopNode(Node.SECOND);
        assertThat(steps.evaluate(step("pg-promote"), "primary", "standby")).startsWith("now: standby's PostgreSQL (127.0.0.1:"
                + pair.port(Node.SECOND) + "/postgres): ");
        assertThat(pair.queryOne(Node.FIRST, "SHOW default_transaction_read_only")).isEqualTo("off");
    }

    private void awaitReplayed() throws Exception {
        String target = pair.queryOne(Node.FIRST, "SELECT pg_current_wal_lsn()");
        org.awaitility.Awaitility.await("the replica replays the setup's writes").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> "t".equals(pair.queryOne(Node.SECOND, "SELECT pg_last_wal_replay_lsn() >= '" + target + "'::pg_lsn")));
    }

    private static RunbookStep step(String type) {
        return new RunbookStep(type, type, "to", null, null, "INFO", null, null, "containers", Duration.ofSeconds(60), 0,
                RunbookStep.OnFailure.ABORT);
    }

    private static RunbookStep withMaxLag(RunbookStep s, Duration maxLag) {
        return new RunbookStep(s.name(), s.type(), s.site(), s.command(), s.url(), s.severity(), s.message(), s.duration(), s.source(), s.timeout(),
                s.retries(), s.onFailure(), maxLag, s.mode());
    }

    private static Instant deadline() {
        return Instant.now().plusSeconds(60);
    }

    private static OperationContext ctx() {
        return new OperationContext(new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "manual", "primary", "standby", "test",
                OperationRow.Status.RUNNING, 7, FailoverState.PRIMARY_ACTIVE, null, Instant.now(), null, null, null), 1);
    }
}
