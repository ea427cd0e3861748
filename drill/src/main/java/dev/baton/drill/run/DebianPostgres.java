package dev.baton.drill.run;

import dev.baton.drill.netns.Netns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's PostgreSQL server ({@code apt-get install postgresql}) for the namespace world, where the drill runs as
 * root and PostgreSQL refuses to: its own cluster in the world's directory, initialised and run as the
 * {@code postgres} account the package creates, listening on one address: the drill itself over the cluster's socket
 * (peer), the services from the namespaces' range with a random password (scram-sha-256), nobody else.
 */
public final class DebianPostgres implements AutoCloseable {
    public static final String USER = "postgres";
    private final Path data;
    private final String host;
    private final int port;
    private final Path bin;
    private final String password = java.util.HexFormat.of().formatHex(new java.security.SecureRandom().generateSeed(16));
    private Process process;

    private DebianPostgres(Path bin, Path data, String host, int port) {
        this.bin = bin;
        this.data = data;
        this.host = host;
        this.port = port;
    }

    /** The newest installed server's {@code bin} directory ({@code /usr/lib/postgresql/<major>/bin}). */
    public static Optional<Path> binaries() {
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.filter(v -> v.getFileName().toString().matches("\\d+") && Files.isExecutable(v.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(v -> Integer.parseInt(v.getFileName().toString())))
                    .map(v -> v.resolve("bin"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Initialises a cluster under {@code dir} and starts it on {@code host}:{@code port} for {@code clients} (a CIDR). The {@code postgres} account
     * must be able to reach {@code dir} (the drill makes its work directory readable for it in the namespace world).
     */
    public static DebianPostgres start(Path dir, String host, int port, String clients) throws IOException {
        Path bin = binaries().orElseThrow(() -> new IOException("Debian's PostgreSQL server is not installed (apt-get install postgresql)"));
        Path data = Files.createDirectories(dir).resolve("data");
        Netns.must(List.of("chown", USER, dir.toString()));
        DebianPostgres pg = new DebianPostgres(bin, data, host, port);
        Netns.must(asUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--auth-local=peer",
                "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8"));
        Files.writeString(data.resolve("pg_hba.conf"), "host all all " + clients + " scram-sha-256\n", java.nio.file.StandardOpenOption.APPEND);
        pg.launch();
        // on psql's standard input: the password is on no command line and in no error message
        pg.psql("ALTER USER " + USER + " PASSWORD '" + pg.password + "'", "-f", "-");
        return pg;
    }

    private static List<String> asUser(String... command) {
        List<String> all = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        all.addAll(List.of(command));
        return all;
    }

    private void launch() throws IOException {
        Path log = data.resolveSibling("postgres.log");
        process = new ProcessBuilder(asUser(bin.resolve("postgres").toString(), "-D", data.toString(), "-p", String.valueOf(port),
                "-c", "listen_addresses=" + host, "-c", "unix_socket_directories=" + data, "-c", "fsync=off",
                "-c", "max_connections=100"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("postgres exited with " + process.exitValue() + ": " + Files.readString(log));
            }
            if (Netns.run(List.of(bin.resolve("pg_isready").toString(), "-h", host, "-p", String.valueOf(port))).exit() == 0) {
                return;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while PostgreSQL started", e);
            }
        }
        throw new IOException("PostgreSQL did not accept connections on " + host + ":" + port + " in 60 s: " + Files.readString(log));
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The superuser's password, for the services' datasources. */
    public String password() {
        return password;
    }

    /** Runs one SQL statement with {@code psql} as the superuser, over the cluster's own socket. */
    public void execute(String sql) throws IOException {
        psql(null, "-c", sql);
    }

    /** psql with {@code args}, {@code input} (if any) on its standard input; fails with psql's own words, never the input. */
    private void psql(String input, String... args) throws IOException {
        List<String> command = asUser(bin.resolve("psql").toString(), "-h", data.toString(), "-p", String.valueOf(port), "-U", USER, "-d",
                "postgres", "-v", "ON_ERROR_STOP=1", "-q");
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (input != null) {
                in.write(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        try {
            String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException("psql " + (input != null ? "(statement on its input)" : String.join(" ", args)) + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while psql ran", e);
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            // runuser waits for postgres: end the server itself (fast shutdown), then runuser goes too
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
