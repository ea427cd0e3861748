package dev.baton.coordinator.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.coordinator.config.CoordinatorConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.UUID;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.SessionConnectionStateErrorPolicy;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.jboss.logging.Logger;

/**
 * Builds the decision store and leadership {@code baton.coordinator.store} names: PostgreSQL (the datasource) or
 * ZooKeeper (a Curator client on {@code baton.coordinator.zookeeper.connect}). Nothing of the other kind is
 * touched, so a ZooKeeper-mode coordinator needs no database URL.
 */
@ApplicationScoped
public class DecisionStores {
    private static final Logger LOG = Logger.getLogger(DecisionStores.class);

    private final CoordinatorConfig config;
    private final Instance<Pool> pool;
    private final ObjectMapper json;
    private final Clock clock;
    private final MeterRegistry registry;
    private CoordinatorStore store;
    private Leadership leadership;
    private CuratorFramework curator;

    public DecisionStores(CoordinatorConfig config, Instance<Pool> pool, ObjectMapper json, Clock clock, MeterRegistry registry) {
        this.config = config;
        this.pool = pool;
        this.json = json;
        this.clock = clock;
        this.registry = registry;
    }

    private synchronized void build() {
        if (store != null) {
            return;
        }
        String id = config.leader().id().orElseGet(DecisionStores::defaultId);
        if (config.store().equals("zookeeper")) {
            CoordinatorConfig.ZooKeeper z = config.zookeeper();
            String connect = z.connect().orElseThrow(() -> new IllegalStateException(
                    "invalid configuration: baton.coordinator.zookeeper.connect: required with baton.coordinator.store=zookeeper"));
            curator = CuratorFrameworkFactory.builder().connectString(connect)
                    .sessionTimeoutMs((int) z.sessionTimeout().toMillis())
                    .connectionTimeoutMs((int) z.connectionTimeout().toMillis())
                    .retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3))
                    // the latch keeps its node through a SUSPENDED that ends in RECONNECTED (same session), so losing one
                    // server does not hand leadership over; ZooKeeperLeadership stops acting during SUSPENDED all the same
                    .connectionStateErrorPolicy(new SessionConnectionStateErrorPolicy())
                    // the configured servers stay the ones used: Curator would otherwise switch to the addresses the
                    // ensemble advertises in /zookeeper/config (another network's, behind WireGuard or NAT)
                    .ensembleTracker(false)
                    .build();
            curator.start();
            ZooKeeperLeadership zk = new ZooKeeperLeadership(curator, z.basePath(), id, json, connect);
            try {
                zk.start();
            } catch (Exception e) {
                throw new IllegalStateException("ZooKeeper leader election not started: " + e.getMessage(), e);
            }
            leadership = zk;
            store = new ZooKeeperStore(curator, zk, z.basePath(), z.retention().operations(), z.retention().history(), json, clock, registry);
            LOG.infof("decisions in ZooKeeper at %s%s as %s", connect, z.basePath(), id);
        } else {
            PostgresStore pg = new PostgresStore(pool.get());
            leadership = new PostgresLeadership(pg, id, config.leader().lease());
            store = pg;
        }
        registry.gauge("baton.coordinator.leader", io.micrometer.core.instrument.Tags.of("store", config.store()), leadership,
                l -> l.isLeader() ? 1 : 0);
        registry.gauge("baton.coordinator.decider.connected", io.micrometer.core.instrument.Tags.of("store", config.store()), leadership,
                l -> l.connected() ? 1 : 0);
        registry.gauge("baton.coordinator.term", leadership, Leadership::term);
    }

    @Produces
    @ApplicationScoped
    CoordinatorStore store() {
        build();
        return store;
    }

    @Produces
    @ApplicationScoped
    Leadership leadership() {
        build();
        return leadership;
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

    @PreDestroy
    void close() {
        if (leadership != null) {
            leadership.resign();
        }
        if (curator != null) {
            curator.close();
        }
    }
}
