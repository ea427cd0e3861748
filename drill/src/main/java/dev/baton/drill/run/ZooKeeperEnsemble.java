package dev.baton.drill.run;

import dev.baton.common.testing.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The decider's ensemble as users run it: three ZooKeeper servers (ZooKeeper's own {@code QuorumPeerMain}, each its
 * own process with its own data directory), one per place, on 127.0.0.1 or in the place's namespace. A killed server restarts on its data, so the
 * ensemble loses nothing.
 */
public final class ZooKeeperEnsemble implements AutoCloseable {
    /** The servers' tick: sessions may be 2..20 ticks long. */
    public static final int TICK_MS = 250;

    /** One server. */
    public final class Server {
        final String place;
        final int id;
        final int clientPort;
        final Path config;
        final Path log;
        final Placement placement;
        Process process;

        Server(String place, Placement placement, int id, int clientPort, Path config, Path log) {
            this.place = place;
            this.placement = placement;
            this.id = id;
            this.clientPort = clientPort;
            this.config = config;
            this.log = log;
        }

        public String place() {
            return place;
        }

        public String address() {
            return placement.host() + ":" + clientPort;
        }

        public synchronized void start() throws IOException {
            ProcessBuilder pb = new ProcessBuilder(placement.command(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dzookeeper.admin.enableServer=false",
                    "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                    "-cp", System.getProperty("java.class.path"), "org.apache.zookeeper.server.quorum.QuorumPeerMain", config.toString())))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            process = pb.start();
        }

        public synchronized boolean isAlive() {
            return process != null && process.isAlive();
        }

        /** SIGKILL: the server (or its whole place) is gone. */
        public synchronized void kill() throws InterruptedException {
            if (isAlive()) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }

        /** Whether it serves clients: {@code srvr} answers with a mode (leader, follower) only inside a quorum. */
        public boolean serving() {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(placement.host(), clientPort), 500);
                s.setSoTimeout(1000);
                OutputStream out = s.getOutputStream();
                out.write("srvr".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                return answer.contains("Mode: leader") || answer.contains("Mode: follower");
            } catch (IOException e) {
                return false;
            }
        }
    }

    private final Map<String, Server> servers = new LinkedHashMap<>();

    private ZooKeeperEnsemble() {
    }

    /**
     * Writes each place's configuration and {@code myid} under {@code dir} and starts the three servers, each where
     * {@code placeOf} puts its place (its address for clients and for the quorum's own traffic).
     */
    public static ZooKeeperEnsemble start(Path dir, List<String> places, Path logs, Function<String, Placement> placeOf) throws IOException {
        ZooKeeperEnsemble e = new ZooKeeperEnsemble();
        List<int[]> ports = new ArrayList<>();
        for (int i = 0; i < places.size(); i++) {
            ports.add(new int[] {DrillWorld.freePort(), DrillWorld.freePort(), DrillWorld.freePort()});
        }
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < places.size(); i++) {
            members.append("server.").append(i + 1).append('=').append(placeOf.apply(places.get(i)).host()).append(':').append(ports.get(i)[1]).append(':').append(ports.get(i)[2]).append('\n');
        }
        Files.createDirectories(logs);
        for (int i = 0; i < places.size(); i++) {
            String place = places.get(i);
            Path data = Files.createDirectories(dir.resolve(place));
            Files.writeString(data.resolve("myid"), (i + 1) + "\n");
            Path config = data.resolve("zoo.cfg");
            Files.writeString(config, "tickTime=" + TICK_MS + "\ninitLimit=40\nsyncLimit=10\ndataDir=" + data + "\nclientPort=" + ports.get(i)[0]
                    + "\nclientPortAddress=" + placeOf.apply(place).host() + "\nadmin.enableServer=false\n4lw.commands.whitelist=ruok,srvr\n"
                    + "autopurge.purgeInterval=1\n" + members);
            Server s = e.new Server(place, placeOf.apply(place), i + 1, ports.get(i)[0], config, logs.resolve("zookeeper-" + place + ".log"));
            e.servers.put(place, s);
            s.start();
        }
        return e;
    }

    public String connectString() {
        return String.join(",", servers.values().stream().map(Server::address).toList());
    }

    public Server server(String place) {
        return servers.get(place);
    }

    public List<Server> servers() {
        return List.copyOf(servers.values());
    }

    /** Waits until every server serves (a quorum formed and each joined it). */
    public void awaitServing(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (servers.values().stream().allMatch(Server::serving)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IOException("the ZooKeeper ensemble did not form in " + timeout);
    }

    /** Starts every server that is not running (on its data). */
    public List<String> restartDead() throws IOException {
        List<String> restarted = new ArrayList<>();
        for (Server s : servers.values()) {
            if (!s.isAlive()) {
                s.start();
                restarted.add(s.place());
            }
        }
        return restarted;
    }

    @Override
    public void close() throws InterruptedException {
        for (Server s : servers.values()) {
            s.kill();
        }
    }
}
