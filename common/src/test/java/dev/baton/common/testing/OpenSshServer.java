package dev.baton.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's OpenSSH server ({@code /usr/sbin/sshd -D -f <own config>}) on 127.0.0.1 (or a {@link Placement}'s address) and a free port, run as the
 * user running the tests and logged into as that user: the peer users actually run, not one built from the same
 * library as Baton's client. Host keys and user keys are made by OpenSSH's own {@code ssh-keygen}, and
 * {@code known_hosts} by {@code ssh-keyscan} (hashed with {@code ssh-keygen -H} when asked), as the docs tell users to.
 * {@code .ci/run} installs {@code openssh-server}; tests call {@link #require()} first.
 */
public final class OpenSshServer implements AutoCloseable {
    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    public static final Path SSH_KEYGEN = Path.of("/usr/bin/ssh-keygen");
    public static final Path SSH_KEYSCAN = Path.of("/usr/bin/ssh-keyscan");

    private final Path dir;
    private final Path config;
    private final List<String> hostKeyTypes;
    private final Path log;
    private int port;
    private Process process;

    private final Placement placement;

    private OpenSshServer(Path dir, Placement placement, List<String> hostKeyTypes) {
        this.dir = dir;
        this.placement = placement;
        this.config = dir.resolve("sshd_config");
        this.hostKeyTypes = List.copyOf(hostKeyTypes);
        this.log = dir.resolve("sshd.log");
    }

    public static boolean available() {
        return Files.isExecutable(SSHD) && Files.isExecutable(SSH_KEYGEN) && Files.isExecutable(SSH_KEYSCAN);
    }

    /** Skips (outside CI) or fails (CI) without OpenSSH's server and tools. */
    public static void require() {
        RequiredTool.require(available(), "OpenSSH's sshd, ssh-keygen and ssh-keyscan (apt-get install openssh-server)");
    }

    /**
     * Starts sshd in {@code dir} with one host key of each of {@code hostKeyTypes} ({@code ed25519}, {@code ecdsa},
     * {@code rsa}), offering them in that order. {@code extraConfig} lines are appended to its sshd_config.
     */
    public static OpenSshServer start(Path dir, List<String> hostKeyTypes, String... extraConfig) throws IOException {
        return start(dir, Placement.LOOPBACK, hostKeyTypes, extraConfig);
    }

    /** As {@link #start(Path, List, String...)}, listening on {@code placement}'s address and started through its launcher. */
    public static OpenSshServer start(Path dir, Placement placement, List<String> hostKeyTypes, String... extraConfig) throws IOException {
        OpenSshServer s = new OpenSshServer(dir, placement, hostKeyTypes);
        Files.createDirectories(dir);
        Files.writeString(s.authorizedKeys(), "");
        StringBuilder conf = new StringBuilder();
        for (String type : hostKeyTypes) {
            Path key = dir.resolve("ssh_host_" + type + "_key");
            if (!Files.exists(key)) {
                keygen(key, type, "", "host");
            }
            conf.append("HostKey ").append(key).append('\n');
        }
        conf.append("ListenAddress ").append(placement.host()).append('\n')
                .append("PidFile none\n")
                .append("UsePAM no\n")
                // the test's temporary files are not laid out as a home directory would be
                .append("StrictModes no\n")
                .append("AuthorizedKeysFile ").append(s.authorizedKeys()).append('\n')
                .append("PasswordAuthentication no\n")
                .append("KbdInteractiveAuthentication no\n")
                .append("PubkeyAuthentication yes\n")
                .append("Subsystem sftp internal-sftp\n")
                .append("LogLevel VERBOSE\n");
        for (String line : extraConfig) {
            conf.append(line).append('\n');
        }
        s.configTail = conf.toString();
        s.launch();
        return s;
    }

    private String configTail;

    private void launch() throws IOException {
        if (port == 0) {
            port = freePort();
        }
        Files.writeString(config, "Port " + port + "\n" + configTail);
        if ("root".equals(System.getProperty("user.name"))) {
            // run as root (the drill's namespace world), sshd separates privileges and needs its empty directory
            Files.createDirectories(Path.of("/run/sshd"));
        }
        process = new ProcessBuilder(placement.command(List.of(SSHD.toString(), "-D", "-e", "-f", config.toString())))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        try {
            org.awaitility.Awaitility.await("sshd's banner on " + placement.host() + ":" + port).atMost(java.time.Duration.ofSeconds(20))
                    .pollInterval(java.time.Duration.ofMillis(50)).until(this::answers);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            close();
            throw new IOException("sshd did not answer on " + placement.host() + ":" + port + ": " + Files.readString(log), e);
        }
    }

    /** Whether sshd answers with its SSH banner; an exited sshd is an error carrying its log. */
    private boolean answers() throws IOException {
        if (!process.isAlive()) {
            throw new IOException("sshd exited with " + process.exitValue() + ": " + Files.readString(log));
        }
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(placement.host(), port), 500);
            socket.setSoTimeout(2000);
            InputStream in = socket.getInputStream();
            return new String(in.readNBytes(7), StandardCharsets.US_ASCII).startsWith("SSH-2.0");
        } catch (IOException notYet) {
            return false;
        }
    }

    /**
     * A new user key of {@code type} made by {@code ssh-keygen} (OpenSSH's own format), authorized on this server.
     * {@code passphrase} may be empty.
     */
    public Path userKey(String name, String type, String passphrase) throws IOException {
        Path key = dir.resolve(name);
        keygen(key, type, passphrase, "baton-test");
        Files.writeString(authorizedKeys(), Files.readString(key.resolveSibling(name + ".pub")), java.nio.file.StandardOpenOption.APPEND);
        return key;
    }

    /**
     * A {@code known_hosts} file for this server as {@code ssh-keyscan -t <types>} writes it ({@code [127.0.0.1]:port
     * type key}), hashed afterwards with {@code ssh-keygen -H} when {@code hashed}.
     */
    public Path knownHosts(String name, boolean hashed, String... types) throws IOException {
        Path file = dir.resolve(name);
        List<String> cmd = new ArrayList<>(List.of(SSH_KEYSCAN.toString(), "-p", String.valueOf(port), "-t",
                String.join(",", types.length == 0 ? hostKeyTypes.toArray(String[]::new) : types), placement.host()));
        String scanned = run(cmd, dir);
        if (scanned.isBlank()) {
            throw new IOException("ssh-keyscan found no host key on " + placement.host() + ":" + port);
        }
        Files.writeString(file, "# from ssh-keyscan\n" + scanned);
        if (hashed) {
            run(List.of(SSH_KEYGEN.toString(), "-H", "-f", file.toString()), dir);
            Files.deleteIfExists(file.resolveSibling(name + ".old"));
        }
        return file;
    }

    /**
     * Writes the {@code docker compose} stand-in ({@code docker-shim.sh}) as an executable {@code docker} in this
     * server's directory, and makes {@code root} a compose project with {@code services}; returns the compose command
     * to configure ({@code <path>/docker compose}).
     */
    public String composeShim(Path root, List<String> services) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path docker = bin.resolve("docker");
        try (InputStream in = OpenSshServer.class.getResourceAsStream("docker-shim.sh")) {
            Files.write(docker, in.readAllBytes());
        }
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path state = Files.createDirectories(root.resolve(".compose"));
        Files.writeString(state.resolve("services"), String.join("\n", services) + "\n");
        return docker + " compose";
    }

    /** The public half of one of this server's host keys, as OpenSSH wrote it ({@code type base64 comment}). */
    public String hostPublicKey(String type) throws IOException {
        return Files.readString(dir.resolve("ssh_host_" + type + "_key.pub")).trim();
    }

    /** The server's host key fingerprint as {@code ssh-keygen -l} shows it ({@code SHA256:...}). */
    public String hostFingerprint(String type) throws IOException {
        String line = run(List.of(SSH_KEYGEN.toString(), "-l", "-E", "sha256", "-f", dir.resolve("ssh_host_" + type + "_key.pub").toString()), dir);
        return line.split(" ")[1];
    }

    public String host() {
        return placement.host();
    }

    public int port() {
        return port;
    }

    /** The account the tests log into: the one running them (sshd runs as it too). */
    public String user() {
        return System.getProperty("user.name");
    }

    public Path dir() {
        return dir;
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** New host keys of the same types (a reinstalled host, or an impostor on its address), then a restart. */
    public void newHostKeys() throws IOException {
        stop();
        for (String type : hostKeyTypes) {
            Path key = dir.resolve("ssh_host_" + type + "_key");
            Files.deleteIfExists(key);
            Files.deleteIfExists(key.resolveSibling(key.getFileName() + ".pub"));
            keygen(key, type, "", "host");
        }
        launch();
    }

    /** Stops sshd and every session it serves; {@link #restart()} brings it back on the same port with the same keys. */
    public void stop() {
        if (process != null && process.isAlive()) {
            // each connection is served by a child sshd that outlives the listener: end them too, as a host going
            // down would, so clients see their sessions drop
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void restart() throws IOException {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private Path authorizedKeys() {
        return dir.resolve("authorized_keys");
    }

    /** {@code ssh-keygen -t type -N passphrase -f key}, with the bits OpenSSH uses by default for each type. */
    public static void keygen(Path key, String type, String passphrase, String comment) throws IOException {
        keygen(key, type, passphrase, comment, null);
    }

    /** As {@link #keygen(Path, String, String, String)}, in {@code format} ({@code PEM}, {@code PKCS8}; null: OpenSSH's own). */
    public static void keygen(Path key, String type, String passphrase, String comment, String format) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(SSH_KEYGEN.toString(), "-q", "-t", type, "-N", passphrase, "-C", comment, "-f", key.toString()));
        if (format != null) {
            cmd.addAll(List.of("-m", format));
        }
        if (type.equals("rsa")) {
            cmd.addAll(List.of("-b", "3072"));
        }
        run(cmd, key.getParent());
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    }

    private static String run(List<String> cmd, Path dir) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed" + (p.isAlive() ? " (timed out)" : " with " + p.exitValue()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + cmd, e);
        }
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
