package dev.baton.coordinator.store;

import static org.awaitility.Awaitility.await;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.BoundedExponentialBackoffRetry;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;

/** Three real ZooKeeper servers in the test JVM, on 127.0.0.1, with a short tick so sessions expire in seconds. */
final class Ensemble {
    /** The servers' tick: sessions may be 2..20 ticks. */
    static final int TICK_MS = 250;
    /** The session timeout the tests' clients ask for. */
    static final Duration SESSION = Duration.ofSeconds(3);

    private Ensemble() {
    }

    static TestingCluster start() throws Exception {
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            // data directories survive a server's restart (deleted when the cluster closes); loopback only, no admin server
            specs.add(new InstanceSpec(null, -1, -1, -1, true, i, TICK_MS, -1,
                    java.util.Map.of("clientPortAddress", "127.0.0.1", "admin.enableServer", "false"), "127.0.0.1"));
        }
        TestingCluster cluster = new TestingCluster(specs);
        cluster.start();
        return cluster;
    }

    static CuratorFramework client(String connect) {
        CuratorFramework c = CuratorFrameworkFactory.builder().connectString(connect).sessionTimeoutMs((int) SESSION.toMillis())
                .connectionTimeoutMs(2000).retryPolicy(new BoundedExponentialBackoffRetry(100, 1000, 3))
                .connectionStateErrorPolicy(new org.apache.curator.framework.state.SessionConnectionStateErrorPolicy())
                .ensembleTracker(false).build();
        c.start();
        return c;
    }

    /** Renews until {@code l} leads (the tick does this in the coordinator). */
    static void awaitLeader(Leadership l) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            l.renew();
            return l.isLeader();
        });
    }

    static InetSocketAddress address(InstanceSpec spec) {
        return new InetSocketAddress("127.0.0.1", spec.getPort());
    }
}
