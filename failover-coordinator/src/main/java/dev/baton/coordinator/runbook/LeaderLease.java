package dev.baton.coordinator.runbook;

import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.CoordinatorStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Holds (or waits for) the leader lease in PostgreSQL: only the holder acts; the others serve reads. */
@ApplicationScoped
public class LeaderLease {
    private static final Logger LOG = Logger.getLogger(LeaderLease.class);

    private final CoordinatorStore store;
    private final CoordinatorConfig config;
    private final String id;
    private volatile boolean leader;

    public LeaderLease(CoordinatorStore store, CoordinatorConfig config) {
        this.store = store;
        this.config = config;
        this.id = config.leader().id().orElseGet(LeaderLease::defaultId);
    }

    private static String defaultId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "coordinator";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Takes or renews the lease. Returns true when this instance just became leader. */
    public boolean renew() {
        boolean was = leader;
        try {
            leader = store.tryLead(id, config.leader().lease());
        } catch (RuntimeException e) {
            // without the database we cannot prove we lead: stop acting
            leader = false;
            LOG.warnf("leader lease not renewed: %s", e.getMessage());
        }
        if (leader != was) {
            LOG.infof(leader ? "%s is now the leader" : "%s is no longer the leader", id);
        }
        return leader && !was;
    }

    public boolean isLeader() {
        return leader;
    }

    public String id() {
        return id;
    }

    public Optional<String> current() {
        try {
            return store.leader();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

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
}
