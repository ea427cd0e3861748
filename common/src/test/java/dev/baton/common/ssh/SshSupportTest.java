package dev.baton.common.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.ComposeEmulator;
import dev.baton.common.testing.EmbeddedSshServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH support against a real SSH server: SFTP, exec, host-key pinning, key auth, timeouts. */
class SshSupportTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static EmbeddedSshServer server;
    private static SshConnector connector;
    private static volatile CommandHandler handler = CommandHandler.NONE;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() throws IOException {
        server = EmbeddedSshServer.start(Files.createTempDirectory("site"), request -> handler.handle(request));
        connector = new SshConnector();
    }

    @AfterAll
    static void stop() throws IOException {
        connector.close();
        server.close();
    }

    private SshEndpoint endpoint() {
        return new SshEndpoint(server.host(), server.port(), server.user(), server.privateKey(), server.knownHosts());
    }

    @Test
    void sftpWriteLandsOnDiskUnderTheSiteRoot() throws Exception {
        try (SshConnection c = connector.connect(endpoint(), TIMEOUT); SftpClient sftp = c.sftp()) {
            sftp.mkdir("/state");
            try (OutputStream out = sftp.write("/state/positions.json")) {
                out.write("{\"AAPL\":100}".getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(server.root().resolve("state/positions.json")).hasContent("{\"AAPL\":100}");
    }

    @Test
    void execReturnsTheHandlersExitCodeAndOutput() throws Exception {
        handler = request -> new CommandHandler.Reply(3, "out:" + request.command(), "err:" + request.env().get("BATON_EPOCH"));
        try (SshConnection c = connector.connect(endpoint(), TIMEOUT)) {
            ExecResult r = c.exec("docker ps", Map.of("BATON_EPOCH", "7"), TIMEOUT);
            assertThat(r.exitCode()).isEqualTo(3);
            assertThat(r.stdout()).isEqualTo("out:docker ps");
            assertThat(r.stderr()).isEqualTo("err:7");
            assertThat(r.succeeded()).isFalse();
        }
    }

    @Test
    void environmentValuesCannotBreakOutOfTheirQuotes() throws Exception {
        handler = request -> CommandHandler.Reply.ok(request.env().get("REASON") + "|" + request.command());
        try (SshConnection c = connector.connect(endpoint(), TIMEOUT)) {
            ExecResult r = c.exec("true", Map.of("REASON", "it's down; rm -rf /"), TIMEOUT);
            assertThat(r.stdout()).isEqualTo("it's down; rm -rf /|true");
        }
        assertThatThrownBy(() -> SshConnection.withEnvironment("true", Map.of("BAD NAME", "x")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void composeEmulatorStartsAndStopsServices() throws Exception {
        ComposeEmulator compose = new ComposeEmulator("primary", Set.of("trading-engine"));
        handler = compose;
        try (SshConnection c = connector.connect(endpoint(), TIMEOUT)) {
            assertThat(c.exec("docker compose up -d trading-engine", TIMEOUT).exitCode()).isZero();
            assertThat(c.exec("docker inspect -f '{{.State.Running}}' trading-engine", TIMEOUT).stdout()).isEqualTo("true\n");
            assertThat(c.exec("docker compose -f /srv/compose.yml stop", TIMEOUT).exitCode()).isZero();
            assertThat(c.exec("docker compose ps --services --filter status=running", TIMEOUT).stdout()).isEmpty();
            assertThat(c.exec("docker compose up -d nope", TIMEOUT).exitCode()).isEqualTo(1);
        }
        assertThat(compose.events()).extracting(ComposeEmulator.Event::running).containsExactly(true, false);
    }

    @Test
    void aHungCommandIsCutAtItsTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        handler = request -> {
            never.await(1, TimeUnit.HOURS);
            return CommandHandler.Reply.ok("too late");
        };
        try (SshConnection c = connector.connect(endpoint(), TIMEOUT)) {
            assertThatThrownBy(() -> c.exec("sleep 3600", Duration.ofMillis(300)))
                    .isInstanceOf(SshFailure.class)
                    .satisfies(e -> assertThat(((SshFailure) e).kind()).isEqualTo(SshFailure.Kind.TIMEOUT));
        } finally {
            never.countDown();
        }
    }

    @Test
    void aSessionToAPeerThatStopsAnsweringIsClosedByTheHeartbeat() throws Exception {
        try (FreezableLink link = FreezableLink.to(server.port());
                SshConnector beating = new SshConnector(Duration.ofMillis(200), 2)) {
            // the same host key, pinned for the relay's port
            Path knownHosts = temp.resolve("known_hosts");
            Files.writeString(knownHosts, Files.readString(server.knownHosts())
                    .replace("]:" + server.port() + " ", "]:" + link.port() + " "));
            SshConnection c = beating.connect(new SshEndpoint("127.0.0.1", link.port(), server.user(), server.privateKey(),
                    knownHosts), TIMEOUT);
            // a quiet session stays open while its keepalives are answered (five intervals, twice the limit)
            org.awaitility.Awaitility.await("the session open while its keepalives are answered")
                    .during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50))
                    .until(c::isOpen);

            link.freeze(); // nothing passes any more, and nothing is closed: a frozen host
            org.awaitility.Awaitility.await("the session closed by its unanswered keepalives")
                    .atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !c.isOpen());
            c.close();
        }
    }

    /** A TCP relay on 127.0.0.1 that can stop relaying in both directions while keeping both sockets open. */
    private static final class FreezableLink implements AutoCloseable {
        private final ServerSocket listener;
        private final int target;
        private final java.util.List<java.net.Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Object lock = new Object();
        private boolean frozen;
        private boolean closed;

        private FreezableLink(int target) throws IOException {
            this.target = target;
            this.listener = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            Thread accept = new Thread(this::accept, "freezable-link-accept");
            accept.setDaemon(true);
            accept.start();
        }

        static FreezableLink to(int port) throws IOException {
            return new FreezableLink(port);
        }

        int port() {
            return listener.getLocalPort();
        }

        void freeze() {
            synchronized (lock) {
                frozen = true;
            }
        }

        private void accept() {
            try {
                while (!listener.isClosed()) {
                    java.net.Socket in = listener.accept();
                    java.net.Socket out = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), target);
                    sockets.add(in);
                    sockets.add(out);
                    relay(in, out);
                    relay(out, in);
                }
            } catch (IOException e) {
                // closed
            }
        }

        private void relay(java.net.Socket from, java.net.Socket to) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[16 * 1024];
                try {
                    for (int n = from.getInputStream().read(buf); n >= 0; n = from.getInputStream().read(buf)) {
                        synchronized (lock) {
                            while (frozen && !closed) {
                                lock.wait(); // hold the bytes: the peer hears nothing, and no FIN or RST
                            }
                            if (closed) {
                                return;
                            }
                        }
                        to.getOutputStream().write(buf, 0, n);
                    }
                } catch (IOException | InterruptedException e) {
                    // a socket closed
                }
            }, "freezable-link-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            synchronized (lock) {
                closed = true;
                lock.notifyAll();
            }
            listener.close();
            for (java.net.Socket s : sockets) {
                s.close();
            }
        }
    }

    @Test
    void anUnknownHostKeyIsRefused() throws Exception {
        Path empty = Files.writeString(temp.resolve("known_hosts"), "");
        SshEndpoint e = new SshEndpoint(server.host(), server.port(), server.user(), server.privateKey(), empty);
        assertThatThrownBy(() -> connector.connect(e, TIMEOUT))
                .isInstanceOf(SshFailure.class)
                .satisfies(f -> assertThat(((SshFailure) f).kind()).isEqualTo(SshFailure.Kind.UNKNOWN_HOST_KEY))
                .hasMessageContaining("is not in");
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        KeyPair impostor = EmbeddedSshServer.newKeyPair();
        Path pinned = temp.resolve("known_hosts_other");
        server.writeKnownHosts(pinned, impostor.getPublic());
        SshEndpoint e = new SshEndpoint(server.host(), server.port(), server.user(), server.privateKey(), pinned);
        assertThatThrownBy(() -> connector.connect(e, TIMEOUT))
                .isInstanceOf(SshFailure.class)
                .satisfies(f -> assertThat(((SshFailure) f).kind()).isEqualTo(SshFailure.Kind.CHANGED_HOST_KEY))
                .hasMessageContaining("changed");
    }

    @Test
    void aWrongClientKeyIsRefused() throws Exception {
        Path wrongKey = temp.resolve("id_wrong");
        EmbeddedSshServer.writePrivateKey(EmbeddedSshServer.newKeyPair(), wrongKey);
        SshEndpoint e = new SshEndpoint(server.host(), server.port(), server.user(), wrongKey, server.knownHosts());
        assertThatThrownBy(() -> connector.connect(e, TIMEOUT))
                .isInstanceOf(SshFailure.class)
                .satisfies(f -> assertThat(((SshFailure) f).kind()).isEqualTo(SshFailure.Kind.AUTH_FAILED));
    }

    @Test
    void aClosedPortIsUnreachable() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        SshEndpoint e = new SshEndpoint("127.0.0.1", port, "baton", server.privateKey(), server.knownHosts());
        assertThatThrownBy(() -> connector.connect(e, TIMEOUT))
                .isInstanceOf(SshFailure.class)
                .satisfies(f -> assertThat(((SshFailure) f).kind()).isEqualTo(SshFailure.Kind.UNREACHABLE));
    }

    @Test
    void aMissingKeyFileIsAConfigurationError() {
        SshEndpoint e = new SshEndpoint(server.host(), server.port(), server.user(), temp.resolve("absent"), server.knownHosts());
        assertThatThrownBy(() -> connector.connect(e, TIMEOUT))
                .isInstanceOf(SshFailure.class)
                .satisfies(f -> assertThat(((SshFailure) f).kind()).isEqualTo(SshFailure.Kind.CONFIG));
    }

    @Test
    void theServerSurvivesARestartOnTheSamePort() throws Exception {
        int port = server.port();
        server.restart();
        assertThat(server.port()).isEqualTo(port);
        handler = request -> CommandHandler.Reply.ok("back");
        try (SshConnection c = connector.connect(endpoint(), TIMEOUT)) {
            assertThat(c.exec("echo", TIMEOUT).stdout()).isEqualTo("back");
        }
    }
}
