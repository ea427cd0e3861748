package dev.baton.coordinator.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link StoreContract} on a real three-server ZooKeeper ensemble, each test under its own base path. */
class ZooKeeperStoreContractTest extends StoreContract {
    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static TestingCluster cluster;
    private static int tests;
    private CuratorFramework client;
    private ZooKeeperLeadership leadership;
    private ZooKeeperStore store;

    @BeforeAll
    static void ensemble() throws Exception {
        cluster = Ensemble.start();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @BeforeEach
    void leading() throws Exception {
        String base = "/contract-" + ++tests;
        client = Ensemble.client(cluster.getConnectString());
        leadership = new ZooKeeperLeadership(client, base, "contract", JSON, cluster.getConnectString());
        store = new ZooKeeperStore(client, leadership, base, 10, 100, JSON, Clock.systemUTC(), new SimpleMeterRegistry());
        store.initialise("primary", dev.baton.common.wire.FailoverState.PRIMARY_ACTIVE, 0);
        leadership.start();
        Ensemble.awaitLeader(leadership);
    }

    @AfterEach
    void close() {
        leadership.resign();
        client.close();
    }

    @Override
    CoordinatorStore store() {
        return store;
    }
}
