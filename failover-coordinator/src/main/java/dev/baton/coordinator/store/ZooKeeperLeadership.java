package dev.baton.coordinator.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.wire.CoordinatorStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.jboss.logging.Logger;

/**
 * Leadership with Curator's {@link LeaderLatch} on the ZooKeeper ensemble. An instance leads while its latch node is
 * the lowest and its session is connected: on SUSPENDED or LOST it stops at once (the latch gives leadership up too,
 * and after a reconnection queues again with a new node). Becoming leader bumps the term with a write conditional
 * on this instance's own latch node, so the term grows exactly once per leader; every write of
 * {@link ZooKeeperStore} carries the same condition ({@link #fence()}), so a deposed leader's write fails.
 */
public class ZooKeeperLeadership implements Leadership {
    private static final Logger LOG = Logger.getLogger(ZooKeeperLeadership.class);
    private static final int PROBE_TIMEOUT_MS = 500;
    private static final long PROBE_TTL_NANOS = 2_000_000_000L;

    /** The term node's content. */
    public record Term(long term, String holder) {
    }

    private final CuratorFramework client;
    private final LeaderLatch latch;
    private final String termPath;
    private final String id;
    private final ObjectMapper json;
    private final List<String> servers;
    private final Object lock = new Object();
    private volatile boolean leader;
    private volatile long term;
    private volatile long ownTerm;
    private volatile String ourPath;
    private volatile String lastLeader;
    private volatile ConnectionState connection = ConnectionState.LOST;
    private volatile Probe probe;
    private volatile Runnable onQuorumChange = () -> {
    };

    public ZooKeeperLeadership(CuratorFramework client, String basePath, String id, ObjectMapper json, String connect) {
        this.client = client;
        this.id = id;
        this.json = json;
        this.termPath = basePath + "/term";
        this.latch = new LeaderLatch(client, basePath + "/leader", id);
        this.servers = List.of(connect.split(","));
        client.getConnectionStateListenable().addListener((c, state) -> {
            connection = state;
            if (!state.isConnected()) {
                stepDown("ZooKeeper session " + state);
            }
            onQuorumChange.run();
        });
        if (client.getZookeeperClient().isConnected()) {
            connection = ConnectionState.CONNECTED;
        }
    }

    /** Joins the election. */
    public void start() throws Exception {
        latch.start();
    }

    /** Called (on Curator's event thread) whenever the session's state changes. */
    public void onQuorumChange(Runnable r) {
        onQuorumChange = r;
    }

    @Override
    public boolean renew() {
        synchronized (lock) {
            boolean has = connection.isConnected() && latch.hasLeadership();
            if (!has) {
                if (leader) {
                    stepDown("latch lost");
                }
                return false;
            }
            if (leader) {
                return false;
            }
            String path = latch.getOurPath();
            try {
                term = bumpTerm(path);
            } catch (NotLeader | StoreUnavailable e) {
                LOG.warnf("%s holds the latch but could not start a term: %s", id, e.getMessage());
                return false;
            }
            ourPath = path;
            ownTerm = term;
            lastLeader = id;
            leader = true;
            LOG.infof("%s is now the leader (term %d)", id, term);
            return true;
        }
    }

    private void stepDown(String why) {
        synchronized (lock) {
            if (leader) {
                leader = false;
                LOG.warnf("%s is no longer the leader: %s", id, why);
            }
        }
    }

    /** The next term, written only while {@code path} (this instance's latch node) exists. */
    private long bumpTerm(String path) {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                Stat stat = new Stat();
                byte[] data;
                try {
                    data = client.getData().storingStatIn(stat).forPath(termPath);
                } catch (KeeperException.NoNodeException e) {
                    client.create().creatingParentsIfNeeded().forPath(termPath, json.writeValueAsBytes(new Term(0, null)));
                    continue;
                }
                long next = json.readValue(data, Term.class).term() + 1;
                List<CuratorOp> ops = new ArrayList<>();
                ops.add(client.transactionOp().check().forPath(path));
                ops.add(client.transactionOp().setData().withVersion(stat.getVersion()).forPath(termPath,
                        json.writeValueAsBytes(new Term(next, id))));
                client.transaction().forOperations(ops);
                return next;
            } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
                // another write of the term in between: read it again
            } catch (KeeperException.NoNodeException e) {
                throw new NotLeader("latch node " + path + " is gone");
            } catch (Exception e) {
                throw new StoreUnavailable("term not written: " + e.getMessage(), e);
            }
        }
        throw new StoreUnavailable("term not written: kept racing", null);
    }

    /**
     * The condition every write of the store carries: this instance's latch node still exists.
     *
     * @throws NotLeader when this instance does not lead now
     */
    CuratorOp fence() throws Exception {
        String path = ourPath;
        if (!leader || path == null) {
            throw new NotLeader(id + " is not the leader");
        }
        return client.transactionOp().check().forPath(path);
    }

    /** Whether this instance's latch node (the fence) still exists. */
    boolean fenceHolds() {
        String path = ourPath;
        try {
            return path != null && client.checkExists().forPath(path) != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** A write failed because the fence no longer held: this instance is deposed. */
    void deposed(String why) {
        stepDown(why);
    }

    @Override
    public boolean isLeader() {
        return leader && connection.isConnected();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Optional<String> current() {
        if (leader) {
            return Optional.of(id);
        }
        if (!connection.isConnected()) {
            return Optional.empty();
        }
        try {
            String l = latch.getLeader().getId();
            if (l != null && !l.isEmpty()) {
                lastLeader = l;
                return Optional.of(l);
            }
        } catch (Exception e) {
            LOG.debugf("leader not read: %s", e.getMessage());
        }
        return Optional.empty();
    }

    @Override
    public long actingTerm() {
        synchronized (lock) {
            if (!isLeader()) {
                throw new NotLeader(id + " does not lead: no term to act with");
            }
            return ownTerm;
        }
    }

    @Override
    public long term() {
        if (!leader && connection.isConnected()) {
            try {
                term = json.readValue(client.getData().forPath(termPath), Term.class).term();
            } catch (Exception e) {
                LOG.debugf("term not read: %s", e.getMessage());
            }
        }
        return term;
    }

    @Override
    public void resign() {
        stepDown("resigned");
        try {
            latch.close(LeaderLatch.CloseMode.SILENT);
        } catch (IOException | IllegalStateException e) {
            LOG.debugf("latch not closed: %s", e.getMessage());
        }
    }

    /** Whether this instance's session is connected to a server of a quorum. */
    @Override
    public boolean connected() {
        return connection.isConnected();
    }

    @Override
    public CoordinatorStatus.Decider decider() {
        if (connection.isConnected()) {
            return new CoordinatorStatus.Decider("zookeeper", true, current().orElse(null), null);
        }
        return new CoordinatorStatus.Decider("zookeeper", false, null, noQuorum());
    }

    /** "no quorum: 1 of 3 servers reachable (127.0.0.1:2181)": which servers answer a TCP connect at all. */
    public String noQuorum() {
        Probe last = probe;
        if (last != null && System.nanoTime() - last.at() < PROBE_TTL_NANOS) {
            return last.text();
        }
        List<String> up = new ArrayList<>();
        for (String s : servers) {
            int colon = s.lastIndexOf(':');
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(s.substring(0, colon).trim(), Integer.parseInt(s.substring(colon + 1).trim())),
                        PROBE_TIMEOUT_MS);
                up.add(s.trim());
            } catch (IOException | RuntimeException e) {
                // not reachable
            }
        }
        String text = "no quorum: " + up.size() + " of " + servers.size() + " servers reachable"
                + (up.isEmpty() ? "" : " (" + String.join(", ", up) + ")");
        probe = new Probe(System.nanoTime(), text);
        return text;
    }

    private record Probe(long at, String text) {
    }
}
