package dev.baton.healthchecker.probe;

import static dev.baton.healthchecker.testing.Checks.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.EmbeddedPostgresServer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The PostgreSQL probe against a real server that is stopped and started again. */
class PostgresProbeTest {
    private static Vertx vertx;
    private static PostgresProbe probe;
    private static EmbeddedPostgresServer pg;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        probe = new PostgresProbe(vertx);
        pg = EmbeddedPostgresServer.start();
    }

    @AfterAll
    static void stop() throws Exception {
        probe.close();
        vertx.close();
        pg.close();
    }

    private static ProbeOutcome run(CheckDefinition check) throws Exception {
        return probe.probe(check).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static String url() {
        return "postgresql://postgres@127.0.0.1:" + pg.port() + "/postgres";
    }

    @Test
    void downWhileStoppedAndUpAgainAfterRestart() throws Exception {
        CheckDefinition check = check("postgres", url(), Map.of("timeout", "2s"));
        assertThat(run(check).success()).isTrue();

        pg.stop();
        ProbeOutcome stopped = run(check);
        assertThat(stopped.success()).isFalse();
        assertThat(stopped.message()).startsWith("PostgreSQL:");

        pg.restart();
        assertThat(run(check).success()).as("the pool reconnects after a restart").isTrue();
    }

    @Test
    void theRoleIsChecked() throws Exception {
        assertThat(run(check("postgres", url(), Map.of("postgres.role", "primary", "timeout", "2s"))).success()).isTrue();
        ProbeOutcome replica = run(check("postgres", url(), Map.of("postgres.role", "replica", "timeout", "2s")));
        assertThat(replica.success()).isFalse();
        assertThat(replica.message()).isEqualTo("server is a primary, expected replica");
    }

    @Test
    void replayLagIsJudgedOnReplicas() {
        CheckDefinition.Postgres options = new CheckDefinition.Postgres("h", 5432, "db", "u", Optional.empty(),
                Optional.of("replica"), Optional.of(Duration.ofSeconds(30)));
        assertThat(PostgresProbe.judge(options, 1, true, 4.0, Duration.ofMillis(2)).success()).isTrue();
        assertThat(PostgresProbe.judge(options, 1, true, 95.5, Duration.ofMillis(2)).message())
                .isEqualTo("replay lag 95500 ms exceeds postgres.max-replay-lag 30000 ms");
        assertThat(PostgresProbe.judge(options, 1, true, null, Duration.ofMillis(2)).success()).isFalse();
    }
}
