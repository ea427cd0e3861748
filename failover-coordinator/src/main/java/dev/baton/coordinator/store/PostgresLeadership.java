package dev.baton.coordinator.store;

import dev.baton.common.wire.CoordinatorStatus;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;

/** Leadership as a lease row in the single PostgreSQL database: whoever renews it in time leads. */
public class PostgresLeadership implements Leadership {
    private static final Logger LOG = Logger.getLogger(PostgresLeadership.class);

    private final PostgresStore store;
    private final String id;
    private final Duration lease;
    private volatile boolean leader;
    private volatile long term;
    private volatile String problem;

    public PostgresLeadership(PostgresStore store, String id, Duration lease) {
        this.store = store;
        this.id = id;
        this.lease = lease;
    }

    @Override
    public boolean renew() {
        boolean was = leader;
        try {
            Optional<Long> held = store.tryLead(id, lease);
            leader = held.isPresent();
            term = held.orElseGet(store::term);
            problem = null;
        } catch (RuntimeException e) {
            // without the database we cannot prove we lead: stop acting
            leader = false;
            problem = "database unreachable: " + e.getMessage();
            LOG.warnf("leader lease not renewed: %s", e.getMessage());
        }
        if (leader != was) {
            LOG.infof(leader ? "%s is now the leader (term %d)" : "%s is no longer the leader", id, term);
        }
        return leader && !was;
    }

    @Override
    public boolean isLeader() {
        return leader;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<String> current() {
        try {
            return store.leader();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public long term() {
        return term;
    }

    @Override
    public void resign() {
        if (leader) {
            leader = false;
            try {
                store.resign(id);
            } catch (RuntimeException e) {
                LOG.debugf("lease not released: %s", e.getMessage());
            }
        }
    }

    @Override
    public boolean connected() {
        return problem == null;
    }

    @Override
    public CoordinatorStatus.Decider decider() {
        String p = problem;
        return new CoordinatorStatus.Decider("postgres", p == null, leader ? id : current().orElse(null), p);
    }
}
