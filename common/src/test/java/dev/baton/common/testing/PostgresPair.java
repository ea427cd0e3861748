package dev.baton.common.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL primary and its streaming replica, as users run them: Debian's server ({@code apt-get install
 * postgresql}: {@code initdb}, {@code pg_ctl}, {@code pg_basebackup}, {@code pg_rewind}), both on 127.0.0.1 with
 * ports of their own, run as this (unprivileged) user. No {@code trust} anywhere: one account, {@link #USER}, with a
 * random password (scram-sha-256) for clients and for replication, which the replica reads from a {@code .pgpass}
 * of mode 0600. {@code wal_log_hints} is on so that a diverged old primary can be rewound.
 */
public final class PostgresPair implements AutoCloseable {
    public static final String USER = "baton";
    public static final String DATABASE = "postgres";

    /** The two servers: the one that started as primary, and the one that started as its replica. */
    public enum Node {
        FIRST, SECOND
    }

    private final Path dir;
    private final Path bin;
    private final String password = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(12));
    private final int[] ports = new int[2];

    private PostgresPair(Path dir, Path bin) {
        this.dir = dir;
        this.bin = bin;
    }

    /** The newest installed Debian server's {@code bin} directory ({@code /usr/lib/postgresql/<major>/bin}). */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+") && Files.isExecutable(v.resolve("bin/pg_basebackup"))
                    && Files.isExecutable(v.resolve("bin/pg_rewind"))).max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Skips the test (fails it under CI) without Debian's server; see {@link RequiredTool}. */
    public static void require() {
        RequiredTool.require(binaries().isPresent(), "Debian's PostgreSQL server with pg_basebackup and pg_rewind (apt-get install postgresql)");
        if ("root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("PostgreSQL refuses to run as root: run the tests as an unprivileged user (bash .ci/run does)");
        }
    }

    /** A primary, then its replica from {@code pg_basebackup}, streaming. */
    public static PostgresPair start() throws IOException {
        require();
        PostgresPair pair = new PostgresPair(Files.createTempDirectory("baton-pg-pair"), binaries().orElseThrow());
        try {
            pair.initPrimary();
            pair.cloneReplica(Node.SECOND, Node.FIRST);
            pair.awaitStreaming(Node.SECOND);
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        return pair;
    }

    private Path data(Node node) {
        return dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Where {@code node}'s Unix socket lives: outside its data directory (pg_rewind and base backups copy that). */
    private Path socket(Node node) throws IOException {
        return Files.createDirectories(dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT) + "-socket"));
    }

    /** {@code node}'s data directory (for a script that works on it, as deploy/site/baton-pg-rejoin does). */
    public Path dataDirectory(Node node) {
        return data(node);
    }

    /** The directory of the server's tools (pg_ctl, pg_rewind, ...). */
    public Path binDirectory() {
        return bin;
    }

    /**
     * The environment a script needs to run {@code node}'s server as this pair does: its tools, its data, a
     * {@code .pgpass} (0600) for {@link #USER} on {@code upstream}, and its own port and socket directory as server
     * options (a rewind copies the other node's configuration files, and both run on one host here).
     */
    public java.util.Map<String, String> scriptEnvironment(Node node, Node upstream) throws IOException {
        return java.util.Map.of("PG_BIN", bin.toString(), "PGDATA", data(node).toString(), "PGPASSFILE", pgpass(node, upstream).toString(),
                "BATON_PG_CTL_OPTIONS", "-p " + port(node) + " -c unix_socket_directories=" + socket(node),
                "BATON_PG_LOG", dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT) + ".log").toString());
    }

    public int port(Node node) {
        return ports[node.ordinal()];
    }

    public String password() {
        return password;
    }

    /** A file holding only the password (mode 0600), as a coordinator's {@code database.password-file} reads it. */
    public Path passwordFile() throws IOException {
        Path f = dir.resolve("password");
        if (!Files.exists(f)) {
            Files.writeString(f, password + "\n");
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        }
        return f;
    }

    private void initPrimary() throws IOException {
        Path pw = dir.resolve("initdb-password");
        Files.writeString(pw, password + "\n");
        Files.setPosixFilePermissions(pw, PosixFilePermissions.fromString("rw-------"));
        run(List.of(tool("initdb"), "-D", data(Node.FIRST).toString(), "-U", USER, "--pwfile=" + pw, "--auth=scram-sha-256", "--no-sync",
                "-E", "UTF8"));
        Files.delete(pw);
        ports[0] = LocalPorts.free();
        ports[1] = LocalPorts.free();
        // initdb's pg_hba.conf already allows replication from 127.0.0.1 with the method given: scram-sha-256
        Files.writeString(data(Node.FIRST).resolve("postgresql.conf"), "\n# baton test pair\nlisten_addresses = '127.0.0.1'\n"
                + "wal_level = replica\nmax_wal_senders = 5\nwal_log_hints = on\nhot_standby = on\nfsync = off\nmax_connections = 30\n"
                + "wal_keep_size = '64MB'\n", java.nio.file.StandardOpenOption.APPEND);
        configure(Node.FIRST);
        startNode(Node.FIRST);
    }

    /** This node's own port and socket directory (a base backup copies the other's configuration). */
    private void configure(Node node) throws IOException {
        Files.writeString(data(node).resolve("postgresql.conf"), "port = " + port(node) + "\nunix_socket_directories = '" + socket(node)
                + "'\n", java.nio.file.StandardOpenOption.APPEND);
    }

    /** {@code .pgpass} for {@code node}'s replication connection to {@code upstream}, mode 0600. */
    private Path pgpass(Node node, Node upstream) throws IOException {
        Path f = dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT) + ".pgpass");
        // any port: the replica may reach its upstream through a forwarder of its own (see replicateThrough)
        Files.writeString(f, "127.0.0.1:*:*:" + USER + ":" + password + "\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
        return f;
    }

    private String conninfo(Node node, Node upstream) throws IOException {
        return "host=127.0.0.1 port=" + port(upstream) + " user=" + USER + " passfile=" + pgpass(node, upstream) + " application_name="
                + node.name().toLowerCase(java.util.Locale.ROOT);
    }

    private void cloneReplica(Node node, Node upstream) throws IOException {
        run(List.of(tool("pg_basebackup"), "-h", "127.0.0.1", "-p", String.valueOf(port(upstream)), "-U", USER, "-D", data(node).toString(),
                "-X", "stream", "--no-sync"), pgpass(node, upstream));
        follow(node, upstream);
        startNode(node);
    }

    /**
     * Makes {@code node}'s (stopped) data directory a standby of {@code upstream}: standby.signal, and primary_conninfo
     * in postgresql.auto.conf, replacing one a base backup or rewind copied from the other node (which would point
     * this node at itself).
     */
    private void follow(Node node, Node upstream) throws IOException {
        configure(node);
        Path auto = data(node).resolve("postgresql.auto.conf");
        List<String> lines = new ArrayList<>(Files.exists(auto) ? Files.readAllLines(auto) : List.of());
        lines.removeIf(l -> l.trim().startsWith("primary_conninfo"));
        lines.add("primary_conninfo = '" + conninfo(node, upstream) + "'");
        Files.write(auto, lines);
        Files.writeString(data(node).resolve("standby.signal"), "");
    }

    /**
     * Points {@code node}'s (running) WAL receiver at {@code upstream} through 127.0.0.1:{@code port}, a forwarder in
     * front of it that a test can cut, and lets it retry every 500 ms (instead of 5 s) once the path is back. Until
     * the next {@link #reset}, base backup or rewind.
     */
    public void replicateThrough(Node node, Node upstream, int port) throws IOException, SQLException {
        String conninfo = conninfo(node, upstream).replace("port=" + port(upstream) + " ", "port=" + port + " ") + " connect_timeout=2";
        try (Connection c = connect(node); Statement st = c.createStatement()) {
            st.execute("ALTER SYSTEM SET primary_conninfo = '" + conninfo.replace("'", "''") + "'");
            st.execute("ALTER SYSTEM SET wal_retrieve_retry_interval = '500ms'");
            st.execute("SELECT pg_reload_conf()");
        }
    }

    /** Starts {@code node} on its own port and socket directory whatever its configuration files say (a rewind copies the other's). */
    public void startNode(Node node) throws IOException {
        run(List.of(tool("pg_ctl"), "-D", data(node).toString(), "-l", dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT) + ".log")
                .toString(), "-o", "-p " + port(node) + " -c unix_socket_directories=" + socket(node), "-w", "-t", "60", "start"));
    }

    /** Fast shutdown: sessions end, the server is down as after a crash of its host (but cleanly). */
    public void stopNode(Node node) throws IOException {
        run(List.of(tool("pg_ctl"), "-D", data(node).toString(), "-m", "fast", "-w", "-t", "60", "stop"));
    }

    /** Immediate shutdown (no checkpoint): as a crash. */
    public void crashNode(Node node) throws IOException {
        run(List.of(tool("pg_ctl"), "-D", data(node).toString(), "-m", "immediate", "-w", "-t", "60", "stop"));
    }

    public boolean running(Node node) {
        try {
            run(List.of(tool("pg_ctl"), "-D", data(node).toString(), "status"));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Makes {@code node} (stopped, an old primary whose timeline diverged) a replica of {@code upstream} with
     * {@code pg_rewind}, then starts it; as an operator would after a failover.
     */
    public void rewindAndFollow(Node node, Node upstream) throws IOException {
        run(List.of(tool("pg_rewind"), "-D", data(node).toString(), "--source-server=" + conninfo(node, upstream) + " dbname=" + DATABASE),
                pgpass(node, upstream));
        follow(node, upstream);
        startNode(node);
    }

    /**
     * Back to the start: the first node a writable primary again (started if it was stopped, its read-only default
     * reset), the second a fresh replica of it (a new base backup, whatever it was), streaming. Ports stay.
     */
    public void reset() throws IOException {
        if (running(Node.SECOND)) {
            crashNode(Node.SECOND);
        }
        if (!running(Node.FIRST)) {
            startNode(Node.FIRST);
        }
        try (Connection c = connect(Node.FIRST); Statement st = c.createStatement()) {
            // a test that left it a replica (a failback half done): a primary again
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery()")) {
                if (rs.next() && rs.getBoolean(1)) {
                    st.execute("SELECT pg_promote(true, 60)");
                }
            }
            st.execute("SET default_transaction_read_only = off");
            st.execute("ALTER SYSTEM RESET default_transaction_read_only");
            st.execute("SELECT pg_reload_conf()");
        } catch (SQLException e) {
            throw new IOException("cannot make the first node writable again: " + e.getMessage(), e);
        }
        try (Stream<Path> walk = Files.walk(data(Node.SECOND))) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        cloneReplica(Node.SECOND, Node.FIRST);
        awaitStreaming(Node.SECOND);
    }

    /** {@link #reset}, then a table {@code orders} on the primary holding orders 1 to {@code count}. */
    public void resetWithOrders(int count) throws IOException, SQLException {
        reset();
        execute(Node.FIRST, "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, symbol text NOT NULL)");
        execute(Node.FIRST, "TRUNCATE orders");
        execute(Node.FIRST, "INSERT INTO orders SELECT g, 'ES' FROM generate_series(1, " + count + ") g");
    }

    /** Waits (at most 60 s) until {@code node} streams from its upstream. */
    public void awaitStreaming(Node node) throws IOException {
        try {
            org.awaitility.Awaitility.await(node + " streams from its upstream (log: " + dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT)
                    + ".log") + ")").atMost(java.time.Duration.ofSeconds(60)).pollInterval(java.time.Duration.ofMillis(100))
                    .ignoreExceptionsInstanceOf(SQLException.class)
                    .until(() -> "streaming".equals(queryOne(node, "SELECT status FROM pg_stat_wal_receiver")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The last {@code lines} lines of {@code node}'s server log, for a failing test's message. */
    public String logTail(Node node, int lines) {
        try {
            List<String> all = Files.readAllLines(dir.resolve(node.name().toLowerCase(java.util.Locale.ROOT) + ".log"));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    public Connection connect(Node node) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", USER);
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "10");
        return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port(node) + "/" + DATABASE, p);
    }

    public void execute(Node node, String sql) throws SQLException {
        try (Connection c = connect(node); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** The first column of the first row, as text (null when there is none). */
    public String queryOne(Node node, String sql) throws SQLException {
        try (Connection c = connect(node); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    private String tool(String name) {
        return bin.resolve(name).toString();
    }

    private void run(List<String> command) throws IOException {
        run(command, null);
    }

    private void run(List<String> command, Path pgpass) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
        pb.environment().remove("PGPASSWORD");
        if (pgpass != null) {
            pb.environment().put("PGPASSFILE", pgpass.toString());
        }
        Process p = pb.start();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish in 120 s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + command.get(0), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(Path.of(command.get(0)).getFileName() + " exited " + p.exitValue() + ": " + out.trim());
        }
    }

    @Override
    public void close() throws IOException {
        for (Node node : Node.values()) {
            if (Files.isDirectory(data(node)) && running(node)) {
                try {
                    crashNode(node);
                } catch (IOException e) {
                    // going anyway
                }
            }
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
