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
import org.apache.zookeeper.util.ServiceUtils;
import dev.baton.common.testing.LocalPorts;

/** Three real ZooKeeper servers in the test JVM, on 127.0.0.1, with a short tick so sessions expire in seconds. */
public final class Ensemble {
    /** The servers' tick: sessions may be 2..20 ticks. */
    static final int TICK_MS = 250;
    /** The session timeout the tests' clients ask for. */
    static final Duration SESSION = Duration.ofSeconds(3);

    private Ensemble() {
    }

    static TestingCluster start() throws Exception {
        TestingCluster cluster = new TestingCluster(specs());
        cluster.start();
        return cluster;
    }

    /**
     * The three servers: data directories that survive a server's restart (deleted when the cluster closes), loopback
     * only, no admin server, and ports below the ephemeral range ({@link LocalPorts}): with random ephemeral ports an
     * outgoing connection once held an election port, the server could not bind it and ZooKeeper exited the test JVM.
     * A server that fails now only logs: ZooKeeper's exit procedure is set to log in the test JVM.
     */
    public static List<InstanceSpec> specs() throws java.io.IOException {
        ServiceUtils.setSystemExitProcedure(ServiceUtils.LOG_ONLY);
        List<InstanceSpec> specs = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            specs.add(new InstanceSpec(null, LocalPorts.free(), LocalPorts.free(), LocalPorts.free(), true, i, TICK_MS, -1,
                    java.util.Map.of("clientPortAddress", "127.0.0.1", "admin.enableServer", "false"), "127.0.0.1"));
        }
        return specs;
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
