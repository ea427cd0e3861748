package dev.baton.common.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * Real authoritative servers (Debian's {@code knotd}) on 127.0.0.1 (or another address of the caller's namespace), unprivileged, each with its own config,
 * rundir and storage in a temp directory, serving the same zones:
 * <ul>
 * <li>"primary": where RFC 2136 updates go (TSIG key {@value #KEY_NAME});</li>
 * <li>"lagging": an independent copy the test updates only when it chooses to — how a nameserver that lags behind
 * looks from outside (it accepts signed updates with the same key);</li>
 * <li>"secondary": a real secondary of the primary, kept current by NOTIFY and IXFR as in production.</li>
 * </ul>
 */
public final class KnotServers implements AutoCloseable {
    /** The knotd binary; {@code -Dbaton.test.knotd=/nonexistent} shows how the suite behaves without it. */
    public static final Path KNOTD = Path.of(System.getProperty("baton.test.knotd", "/usr/sbin/knotd"));
    public static final String KEY_NAME = "baton-test-key.";
    public static final String WWW_START = "192.0.2.10";

    private final Path dir;
    private final String host;
    private final String secret;
    private final List<Process> processes = new ArrayList<>();
    private final List<InetSocketAddress> addresses = new ArrayList<>();

    private KnotServers(Path dir, String host, String secret) {
        this.dir = dir;
        this.host = host;
        this.secret = secret;
    }

    public static boolean available() {
        return Files.isExecutable(KNOTD);
    }

    /** Starts both servers, each serving {@code zones} with {@code www} A {@value #WWW_START}, TTL 300. */
    public static KnotServers start(List<String> zones) throws IOException {
        return start(zones, "127.0.0.1");
    }

    /** As {@link #start(List)}, all three listening on {@code host} (an address of this machine or of its namespace). */
    public static KnotServers start(List<String> zones, String host) throws IOException {
        Path dir = Files.createTempDirectory("baton-knot");
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        KnotServers knot = new KnotServers(dir, host, Base64.getEncoder().encodeToString(key));
        try {
            java.util.Set<Integer> taken = new java.util.HashSet<>();
            int primary = freePort(taken);
            int lagging = freePort(taken);
            int secondary = freePort(taken);
            String notify = "remote:\n  - id: secondary\n    address: " + host + "@" + secondary + "\n";
            knot.launch("primary", primary, zones, notify, "    acl: [update, transfer]\n    notify: secondary\n", true);
            knot.launch("lagging", lagging, zones, "", "    acl: update\n", true);
            String fromPrimary = "remote:\n  - id: primary\n    address: " + host + "@" + primary + "\n";
            knot.launch("secondary", secondary, zones, fromPrimary, "    master: primary\n    acl: notify\n", false);
        } catch (IOException | RuntimeException e) {
            knot.close();
            throw e;
        }
        return knot;
    }

    public InetSocketAddress primary() {
        return addresses.get(0);
    }

    public InetSocketAddress lagging() {
        return addresses.get(1);
    }

    public InetSocketAddress secondary() {
        return addresses.get(2);
    }

    public String tsigSecret() {
        return secret;
    }

    public static String hostPort(InetSocketAddress a) {
        return (a.getAddress() != null ? a.getAddress().getHostAddress() : a.getHostString()) + ":" + a.getPort();
    }

    /** Replaces the record set {@code fqdn type} on one server with {@code value} (a signed RFC 2136 update). */
    public void set(InetSocketAddress server, String zone, String fqdn, String type, String value, int ttl) throws IOException {
        Update update = new Update(Name.fromString(zone + "."));
        int t = Type.value(type);
        update.replace(Record.fromString(Name.fromString(fqdn + "."), t, DClass.IN, ttl, value, Name.root));
        SimpleResolver r = new SimpleResolver(server);
        r.setTCP(true);
        r.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, Name.fromString(KEY_NAME), Base64.getDecoder().decode(secret)));
        r.setTimeout(Duration.ofSeconds(3));
        Message reply = r.send(update);
        if (reply.getRcode() != Rcode.NOERROR) {
            throw new IOException("update refused: " + Rcode.string(reply.getRcode()));
        }
    }

    private void launch(String label, int port, List<String> zones, String remotes, String zoneOptions, boolean zoneFiles)
            throws IOException {
        Path home = Files.createDirectories(dir.resolve(label));
        StringBuilder conf = new StringBuilder()
                .append("server:\n    rundir: \"").append(home).append("\"\n    listen: ").append(host).append('@').append(port).append('\n')
                .append("database:\n    storage: \"").append(home).append("\"\n")
                .append("key:\n  - id: ").append(KEY_NAME).append("\n    algorithm: hmac-sha256\n    secret: ").append(secret).append('\n')
                .append(remotes)
                .append("acl:\n  - id: update\n    key: ").append(KEY_NAME).append("\n    action: update\n")
                .append("  - id: transfer\n    address: ").append(host).append("\n    action: transfer\n")
                .append("  - id: notify\n    address: ").append(host).append("\n    action: notify\n")
                .append("log:\n  - target: stderr\n    any: info\n")
                .append("template:\n  - id: default\n    storage: \"").append(home).append("\"\n    file: \"%s.zone\"\n")
                .append("    zonefile-sync: -1\n").append(zoneOptions)
                .append("zone:\n");
        for (String zone : zones) {
            conf.append("  - domain: ").append(zone).append('\n');
            if (!zoneFiles) {
                continue;
            }
            Files.writeString(home.resolve(zone + ".zone"), """
                    $ORIGIN %s.
                    $TTL 300
                    @    SOA ns1 hostmaster 1 3600 600 86400 60
                    @    NS  ns1
                    ns1  A   127.0.0.1
                    www  A   %s
                    """.formatted(zone, WWW_START), StandardCharsets.UTF_8);
        }
        Path config = home.resolve("knot.conf");
        Files.writeString(config, conf, StandardCharsets.UTF_8);
        Process p = new ProcessBuilder(KNOTD.toString(), "-c", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("knotd.log").toFile())
                .start();
        processes.add(p);
        InetSocketAddress address = new InetSocketAddress(InetAddress.getByName(host), port);
        addresses.add(address);
        Name apex = Name.fromString(zones.get(0) + ".");
        Awaitility.await("knotd " + label + " answering on port " + port)
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("knotd exited: " + Files.readString(home.resolve("knotd.log")));
                    }
                    return answersSoa(address, apex);
                });
    }

    private static boolean answersSoa(InetSocketAddress server, Name zone) throws IOException {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(Duration.ofMillis(500));
        Message q = Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        Message reply = r.send(q);
        return reply.getRcode() == Rcode.NOERROR && reply.getHeader().getFlag(Flags.AA);
    }

    /** A port free for both UDP and TCP on 127.0.0.1 right now. */
    private static int freePort(java.util.Set<Integer> taken) throws IOException {
        for (int i = 0; i < 20; i++) {
            try (ServerSocket tcp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = tcp.getLocalPort();
                if (!taken.add(port)) {
                    continue;
                }
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))) {
                    return port;
                } catch (IOException busy) {
                    // UDP side busy: try another
                }
            }
        }
        throw new IOException("no free port on 127.0.0.1");
    }

    @Override
    public void close() {
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            // temp files only
        }
    }
}
