package dev.baton.healthchecker.probe;

import dev.baton.healthchecker.probe.CheckDefinition.Postgres;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/**
 * PostgreSQL probe through the reactive client: one small pool per check, one round trip running
 * {@code SELECT 1} together with {@code pg_is_in_recovery()} and the replay lag. A stopped server fails
 * the probe; the pool reconnects by itself when it is back.
 */
@ApplicationScoped
public class PostgresProbe implements Probe {
    static final String QUERY = "SELECT 1 AS one, pg_is_in_recovery() AS in_recovery, "
            + "EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))::float8 AS lag_seconds";

    private final Vertx vertx;
    private final Map<String, Pool> pools = new ConcurrentHashMap<>();

    public PostgresProbe(Vertx vertx) {
        this.vertx = vertx;
    }

    @Override
    public CheckType type() {
        return CheckType.POSTGRES;
    }

    @Override
    public CompletionStage<ProbeOutcome> probe(CheckDefinition check) {
        Postgres pg = (Postgres) check.options();
        long timeoutMs = Math.max(1, check.timeout().toMillis());
        long start = System.nanoTime();
        CompletableFuture<ProbeOutcome> result = new CompletableFuture<>();
        long timer = vertx.setTimer(timeoutMs, id -> result.complete(
                ProbeOutcome.down(elapsed(start), "no answer from PostgreSQL within " + timeoutMs + " ms")));
        result.whenComplete((o, e) -> vertx.cancelTimer(timer));
        pool(check, pg, timeoutMs).query(QUERY).execute().onComplete(ar -> {
            if (ar.failed()) {
                result.complete(ProbeOutcome.down(elapsed(start), "PostgreSQL: " + HttpProbe.describe(ar.cause())));
                return;
            }
            Row row = ar.result().iterator().next();
            result.complete(judge(pg, row.getInteger("one"), row.getBoolean("in_recovery"), row.getDouble("lag_seconds"),
                    elapsed(start)));
        });
        return result;
    }

    /** The verdict on one answer: role and replay lag as configured. Pure. */
    static ProbeOutcome judge(Postgres pg, Integer one, boolean inRecovery, Double lagSeconds, Duration latency) {
        if (one == null || one != 1) {
            return ProbeOutcome.down(latency, "SELECT 1 returned " + one);
        }
        String role = inRecovery ? "replica" : "primary";
        if (pg.role().isPresent() && !pg.role().get().equals(role)) {
            return ProbeOutcome.down(latency, "server is a " + role + ", expected " + pg.role().get());
        }
        if (inRecovery && pg.maxReplayLag().isPresent()) {
            if (lagSeconds == null) {
                return ProbeOutcome.down(latency, "replica has replayed nothing yet (no replay timestamp)");
            }
            Duration lag = Duration.ofMillis((long) (lagSeconds * 1000));
            if (lag.compareTo(pg.maxReplayLag().get()) > 0) {
                return ProbeOutcome.down(latency, "replay lag " + lag.toMillis() + " ms exceeds postgres.max-replay-lag "
                        + pg.maxReplayLag().get().toMillis() + " ms");
            }
        }
        return ProbeOutcome.up(latency);
    }

    private Pool pool(CheckDefinition check, Postgres pg, long timeoutMs) {
        return pools.computeIfAbsent(check.name(), name -> {
            PgConnectOptions connect = new PgConnectOptions()
                    .setHost(pg.host())
                    .setPort(pg.port())
                    .setDatabase(pg.database())
                    .setUser(pg.user())
                    .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMs))
                    .setReconnectAttempts(0)
                    .setTcpKeepAlive(true)
                    .setCachePreparedStatements(false)
                    .addProperty("application_name", "baton-health-checker");
            pg.password().ifPresent(connect::setPassword);
            // one connection; a probe waiting behind a hung one gives up at the timeout instead of queueing
            PoolOptions pool = new PoolOptions()
                    .setMaxSize(1)
                    .setMaxWaitQueueSize(1)
                    .setConnectionTimeout((int) Math.max(1, timeoutMs))
                    .setConnectionTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                    .setName("baton-probe-" + name)
                    .setShared(false);
            return PgBuilder.pool().with(pool).connectingTo(connect).using(vertx).build();
        });
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @PreDestroy
    void close() {
        pools.values().forEach(Pool::close);
    }
}
