package dev.baton.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Two real Redis servers (Debian's {@code redis-server}, {@code apt-get install redis-server}) on 127.0.0.1, the
 * second a replica of the first, both with a random password ({@code requirepass}, and {@code masterauth} for the
 * replica), nothing saved to disk. The test talks to them with {@link #command}, a few lines of RESP: the code under
 * test uses Vert.x's client, the test does not.
 */
public final class RedisPair implements AutoCloseable {
    /** The two servers: the one that starts as primary and the one that starts as its replica. */
    public enum Node {
        FIRST, SECOND
    }

    private final Path dir;
    private final String password = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(12));
    private final int[] ports = new int[2];
    private final Process[] processes = new Process[2];

    private RedisPair(Path dir) {
        this.dir = dir;
    }

    public static boolean available() {
        return Files.isExecutable(Path.of("/usr/bin/redis-server"));
    }

    public static RedisPair start() throws IOException {
        RequiredTool.require(available(), "Debian's redis-server (apt-get install redis-server)");
        RedisPair pair = new RedisPair(Files.createTempDirectory("baton-redis-pair"));
        try {
            pair.ports[0] = LocalPorts.free();
            pair.ports[1] = LocalPorts.free();
            pair.launch(Node.FIRST, null);
            pair.launch(Node.SECOND, Node.FIRST);
            pair.awaitLink(Node.SECOND);
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private void launch(Node node, Node upstream) throws IOException {
        Path work = Files.createDirectories(dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT)));
        // on its standard input, not its command line: the password is in no process listing
        Path conf = work.resolve("redis.conf");
        String config = "bind 127.0.0.1\nport " + port(node) + "\nrequirepass " + password + "\nmasterauth " + password + "\nsave \"\"\n"
                + "appendonly no\ndir " + work + "\ndaemonize no\nlogfile " + work.resolve("redis.log") + "\n"
                + (upstream == null ? "" : "replicaof 127.0.0.1 " + port(upstream) + "\n");
        Files.writeString(conf, config);
        Files.setPosixFilePermissions(conf, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        processes[node.ordinal()] = new ProcessBuilder("/usr/bin/redis-server", conf.toString()).redirectErrorStream(true)
                .redirectOutput(work.resolve("stdout").toFile()).start();
        try {
            org.awaitility.Awaitility.await("redis-server " + node + " answers").atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(50)).ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> "PONG".equals(command(node, "PING")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException("redis-server " + node + " did not answer in 30 s: " + Files.readString(work.resolve("stdout")), e);
        }
    }

    /** Kills {@code node}'s server (as a crash of its host). */
    public void kill(Node node) throws IOException {
        Process p = processes[node.ordinal()];
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /**
     * Starts {@code node}'s killed server again on its configuration file, as a recovered host starts it: the first a
     * primary, the second a replica of the first; empty (nothing is saved to disk).
     */
    public void restart(Node node) throws IOException {
        Process p = processes[node.ordinal()];
        if (p != null && p.isAlive()) {
            return;
        }
        launch(node, node == Node.FIRST ? null : Node.FIRST);
    }

    public int port(Node node) {
        return ports[node.ordinal()];
    }

    public String password() {
        return password;
    }

    /** A file holding only the password (mode 0600), as a coordinator's {@code redis.password-file} reads it. */
    public Path passwordFile() throws IOException {
        Path f = dir.resolve("password");
        if (!Files.exists(f)) {
            Files.writeString(f, password + "\n");
            Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }
        return f;
    }

    /** Waits (at most 30 s) until {@code node}'s link to its primary is up. */
    public void awaitLink(Node node) throws IOException {
        try {
            org.awaitility.Awaitility.await(node + "'s replication link is up").atMost(java.time.Duration.ofSeconds(30))
                    .pollInterval(java.time.Duration.ofMillis(50))
                    .until(() -> command(node, "INFO", "replication").contains("master_link_status:up"));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * One command, authenticated, over its own connection; the reply as text (a bulk string's content, a simple
     * string, an integer, or an array's elements one per line).
     */
    public String command(Node node, String... args) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port(node))) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            write(out, "AUTH", password);
            String auth = read(in);
            if (!auth.equals("OK")) {
                throw new IOException("AUTH refused: " + auth);
            }
            write(out, args);
            return read(in);
        }
    }

    /** One RESP command on {@code out} (the drill's fake engine writes its orders with it too). */
    public static void write(OutputStream out, String... args) throws IOException {
        StringBuilder b = new StringBuilder("*").append(args.length).append("\r\n");
        for (String a : args) {
            b.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a).append("\r\n");
        }
        out.write(b.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * One RESP reply from {@code in}: a simple string or integer as text, a bulk string's content (null for none), an
     * array's elements one per line; an error reply throws with Redis's message.
     */
    public static String read(InputStream in) throws IOException {
        String line = line(in);
        switch (line.charAt(0)) {
            case '+', ':' -> {
                return line.substring(1);
            }
            case '-' -> throw new IOException(line.substring(1));
            case '$' -> {
                int n = Integer.parseInt(line.substring(1));
                if (n < 0) {
                    return null;
                }
                byte[] data = in.readNBytes(n + 2);
                return new String(data, 0, n, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line.substring(1));
                List<String> items = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    items.add(read(in));
                }
                return String.join("\n", items);
            }
            default -> throw new IOException("not RESP: " + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\r') {
                in.read();
                return b.toString();
            }
            b.append((char) c);
        }
        throw new IOException("connection closed");
    }

    @Override
    public void close() throws IOException {
        for (Process p : processes) {
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
