package dev.baton.common.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * A real PostgreSQL server (zonky embedded binaries) on 127.0.0.1 and a random port, with its data
 * in a temp directory so it can be stopped and started again on the same port with the same data.
 * PostgreSQL refuses to run as root; {@code .ci/run} runs the build as an unprivileged user.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final Path dataDir;
    private int port;
    private EmbeddedPostgres pg;

    private EmbeddedPostgresServer(Path dataDir) {
        this.dataDir = dataDir;
    }

    public static EmbeddedPostgresServer start() throws IOException {
        if ("root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("PostgreSQL refuses to run as root: run the tests as an unprivileged user "
                    + "(bash .ci/run does this for you)");
        }
        EmbeddedPostgresServer s = new EmbeddedPostgresServer(Files.createTempDirectory("baton-pg"));
        s.launch(0);
        return s;
    }

    private void launch(int wantedPort) throws IOException {
        EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("max_connections", "100")
                .setServerConfig("fsync", "off")
                .setPGStartupWait(Duration.ofSeconds(60));
        if (wantedPort > 0) {
            b.setPort(wantedPort);
        }
        pg = b.start();
        port = pg.getPort();
    }

    /** Stops the server (fast shutdown); connections break as they would in a crash of the DB host. */
    public void stop() throws IOException {
        if (pg != null) {
            pg.close();
            pg = null;
        }
    }

    /** Starts it again on the same port with the same data. */
    public void restart() throws IOException {
        stop();
        launch(port);
    }

    public boolean isRunning() {
        return pg != null;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    /** The URL form the Quarkus reactive PostgreSQL client takes. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public Connection connect() throws SQLException {
        if (pg == null) {
            throw new SQLException("embedded PostgreSQL is stopped");
        }
        return pg.getPostgresDatabase().getConnection();
    }

    /** Runs one SQL statement, for test setup and assertions. */
    public void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        try (var paths = Files.walk(dataDir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
