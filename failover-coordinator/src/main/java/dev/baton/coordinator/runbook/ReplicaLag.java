package dev.baton.coordinator.runbook;

import dev.baton.common.wire.DatabaseReplica;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.ui.BackgroundRefresh;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;

/**
 * The database replica's lag behind the primary, for the status, the page and the metrics: the active site's
 * PostgreSQL is taken as the primary, the other's as its replica, both read on a worker thread at most every
 * {@link #REFRESH} (a scrape, a status request or the page asks; none waits for a database). Metrics, when both sites
 * have a database: {@code baton_coordinator_database_replica_lag_seconds} and {@code _bytes} (NaN while not known),
 * {@code baton_coordinator_database_replica_streaming} (1/0) and {@code baton_coordinator_database_rpo_target_seconds}.
 */
@ApplicationScoped
@Startup
public class ReplicaLag {
    static final Duration REFRESH = Duration.ofSeconds(10);

    private final SiteDatabases databases;
    private final Sites sites;
    private final CoordinatorStore store;
    private final Clock clock;
    private final double target;
    private final boolean configured;
    private final BackgroundRefresh refresh;
    private volatile DatabaseReplica last;

    public ReplicaLag(SiteDatabases databases, Sites sites, CoordinatorStore store, CoordinatorConfig config, MeterRegistry registry, Clock clock) {
        this.databases = databases;
        this.sites = sites;
        this.store = store;
        this.clock = clock;
        this.target = config.databases().rpoTarget().toMillis() / 1000.0;
        this.configured = sites.names().stream().allMatch(databases::has);
        this.refresh = new BackgroundRefresh(REFRESH, clock, this::read);
        if (configured) {
            registry.gauge("baton.coordinator.database.replica.lag.seconds", this, r -> r.value(d -> d.lagSeconds()));
            registry.gauge("baton.coordinator.database.replica.lag.bytes", this, r -> r.value(d -> d.bytesBehind() == null ? null
                    : d.bytesBehind().doubleValue()));
            registry.gauge("baton.coordinator.database.replica.streaming", this, r -> r.value(d -> d.streaming() ? 1.0 : 0.0));
            registry.gauge("baton.coordinator.database.rpo.target.seconds", this, r -> r.target);
        }
    }

    /** The last reading, starting a new one when it is older than {@link #REFRESH}; null when the sites have no databases. */
    public DatabaseReplica current() {
        if (!configured) {
            return null;
        }
        refresh.poke(clock.instant(), false);
        DatabaseReplica d = last;
        return d != null ? d : new DatabaseReplica(null, null, false, null, null, target, null, "not read yet");
    }

    private double value(java.util.function.Function<DatabaseReplica, Double> field) {
        DatabaseReplica d = current();
        Double v = d == null || d.checkedAt() == null ? null : field.apply(d);
        return v == null ? Double.NaN : v;
    }

    private void read() {
        String primary;
        try {
            primary = store.state().activeSite();
        } catch (RuntimeException e) {
            // the decision store cannot be read: the site last read as primary, else the configured one
            primary = last != null && last.primary() != null ? last.primary() : sites.primary();
        }
        String replica = sites.other(primary);
        Duration timeout = Duration.ofSeconds(5);
        // the primary first: what it writes after it was read does not count against the replica
        SiteDatabases.Status p = null;
        String primaryProblem = null;
        try {
            p = databases.status(primary, timeout);
        } catch (SiteDatabases.Unreachable e) {
            primaryProblem = "primary unreachable: " + e.getMessage();
        }
        SiteDatabases.Status r;
        try {
            r = databases.status(replica, timeout);
        } catch (SiteDatabases.Unreachable e) {
            last = new DatabaseReplica(primary, replica, false, null, null, target, clock.instant(), "replica unreachable: " + e.getMessage());
            return;
        }
        if (!r.inRecovery()) {
            last = new DatabaseReplica(primary, replica, false, null, null, target, clock.instant(), databases.describe(replica)
                    + " is not a replica (pg_is_in_recovery() is false)");
            return;
        }
        boolean streaming = "streaming".equals(r.receiver());
        if (p == null) {
            // the primary cannot be asked: the replica's own view (the age of what it last replayed) is all there is
            last = new DatabaseReplica(primary, replica, streaming, null, r.replayAgeSeconds(), target, clock.instant(), primaryProblem);
            return;
        }
        Long bytes = new PostgresSteps.Lag(r, p, null, false).bytes();
        Double seconds = bytes == null ? null : bytes == 0 ? 0.0 : r.replayAgeSeconds();
        last = new DatabaseReplica(primary, replica, streaming, bytes, seconds, target, clock.instant(), p.inRecovery()
                ? databases.describe(primary) + " is a replica too" : streaming ? null : "WAL receiver " + (r.receiver() == null ? "not running"
                        : r.receiver()));
    }
}
