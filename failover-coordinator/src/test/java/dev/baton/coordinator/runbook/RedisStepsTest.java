package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.testing.RedisPair;
import dev.baton.common.testing.RedisPair.Node;
import dev.baton.common.wire.FailoverState;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.OperationRow;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import io.vertx.core.Vertx;
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
 * The Redis steps against two real Redis servers (Debian's redis-server), the standby's a replica of the primary's,
 * both with a password: the standby's is promoted once and never twice, the old primary follows the new one with the
 * password as its masterauth and gets its writes, an unreachable server fails the step naming it; the password is in
 * no account and no message.
 */
class RedisStepsTest {
    private static Vertx vertx;
    private RedisPair pair;
    private SiteRedis redis;
    private RedisSteps steps;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void closeVertx() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
    }

    @BeforeEach
    void pair() throws Exception {
        pair = RedisPair.start();
        Map<String, String> m = new HashMap<>();
        for (Object[] site : new Object[][] {{"primary", Node.FIRST}, {"standby", Node.SECOND}}) {
            String p = "baton.coordinator.sites." + site[0] + ".";
            m.put(p + "role", (String) site[0]);
            m.put(p + "host", "127.0.0.1");
            m.put(p + "private-key", "/nonexistent");
            m.put(p + "known-hosts", "/nonexistent");
            m.put(p + "root", "/");
            m.put(p + "redis.host", "127.0.0.1");
            m.put(p + "redis.port", String.valueOf(pair.port((Node) site[1])));
            m.put(p + "redis.password-file", pair.passwordFile().toString());
        }
        m.put("baton.coordinator.observers.names", "a,b,c");
        CoordinatorConfig config = new SmallRyeConfigBuilder().withMapping(CoordinatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", m) {
                }).build().getConfigMapping(CoordinatorConfig.class);
        redis = new SiteRedis(vertx, config);
        steps = new RedisSteps(redis, Clock.systemUTC());
    }

    @AfterEach
    void close() throws Exception {
        if (pair != null) {
            pair.close();
        }
    }

    @Test
    void theStandbysReplicaIsPromotedOnceAndNeverTwice() throws Exception {
        pair.command(Node.FIRST, "SET", "position:ES", "3");
        awaitValue(Node.SECOND, "position:ES", "3");

        String promoted = steps.promote(ctx(), deadline());
        String again = steps.promote(ctx(), deadline());

        assertThat(promoted).startsWith("standby's Redis (127.0.0.1:" + pair.port(Node.SECOND) + ") promoted (REPLICAOF NO ONE), was a replica of "
                + "127.0.0.1:" + pair.port(Node.FIRST) + " (link connected").contains("now a primary (ROLE master");
        assertThat(again).contains("already a primary").endsWith(": not touched");
        assertThat(pair.command(Node.SECOND, "ROLE")).startsWith("master");
        assertThat(pair.command(Node.SECOND, "SET", "position:NQ", "1")).isEqualTo("OK");
        assertThat(promoted + again).doesNotContain(pair.password());
    }

    @Test
    void theOldPrimaryFollowsTheNewOneWithThePasswordAndGetsItsWrites() throws Exception {
        steps.promote(ctx(), deadline());
        RunbookStep follow = new RunbookStep("redis-replicate", "redis-replicate", "from", null, null, "INFO", null, Duration.ofSeconds(30),
                "containers", Duration.ofSeconds(60), 0, RunbookStep.OnFailure.ABORT);

        String replicated = steps.replicate(follow, ctx(), deadline());
        pair.command(Node.SECOND, "SET", "position:CL", "7");
        String again = steps.replicate(follow, ctx(), deadline());

        assertThat(replicated).isEqualTo("primary's Redis (127.0.0.1:" + pair.port(Node.FIRST) + ") made a replica (REPLICAOF) of standby's Redis "
                + "(127.0.0.1:" + pair.port(Node.SECOND) + "), now " + roleOf(replicated));
        assertThat(replicated).contains("a replica of 127.0.0.1:" + pair.port(Node.SECOND) + " (link connected");
        awaitValue(Node.FIRST, "position:CL", "7");
        assertThat(again).contains("already followed");
        assertThat(replicated + again).doesNotContain(pair.password());
    }

    @Test
    void anUnreachableRedisFailsTheStepNamingItWithoutThePassword() throws Exception {
        pair.kill(Node.SECOND);

        assertThatThrownBy(() -> steps.promote(ctx(), deadline())).isInstanceOf(StepFailed.class)
                .hasMessageStartingWith("standby's Redis (127.0.0.1:" + pair.port(Node.SECOND) + "): ")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(pair.password()));
    }

    private static String roleOf(String account) {
        return account.substring(account.indexOf(", now ") + ", now ".length());
    }

    private void awaitValue(Node node, String key, String value) throws Exception {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> value.equals(pair.command(node, "GET", key)));
    }

    private static Instant deadline() {
        return Instant.now().plusSeconds(60);
    }

    private static OperationContext ctx() {
        return new OperationContext(new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "manual", "primary", "standby", "test",
                OperationRow.Status.RUNNING, 7, FailoverState.PRIMARY_ACTIVE, null, Instant.now(), null, null, null), 1);
    }
}
