package dev.baton.healthchecker.probe;

import static dev.baton.healthchecker.testing.Checks.check;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The TCP probe against real loopback listeners: one that answers PING with PONG, one that never answers. */
class TcpProbeTest {
    private static Vertx vertx;
    private static TcpProbe probe;
    private static ServerSocket pong;
    private static ServerSocket silent;
    private static final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private static final ExecutorService threads = Executors.newCachedThreadPool();

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        probe = new TcpProbe(vertx);
        pong = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.submit(() -> serve(pong, true));
        threads.submit(() -> serve(silent, false));
    }

    private static void serve(ServerSocket server, boolean answer) {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                accepted.add(s);
                if (answer) {
                    threads.submit(() -> pong(s));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void pong(Socket s) {
        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
            byte[] buf = new byte[64];
            int n = in.read(buf);
            if (n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("PING")) {
                out.write("+PONG\r\n".getBytes(StandardCharsets.US_ASCII));
            } else {
                out.write("-ERR unknown command\r\n".getBytes(StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            // client went away
        }
    }

    @AfterAll
    static void stop() throws IOException {
        pong.close();
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
        threads.shutdownNow();
        probe.closeClients();
        vertx.close();
    }

    private static ProbeOutcome run(String target, Map<String, String> options) throws Exception {
        return probe.probe(check("tcp", target, options)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aListeningPortIsUp() throws Exception {
        assertThat(run("127.0.0.1:" + silent.getLocalPort(), Map.of()).success()).isTrue();
    }

    @Test
    void aClosedPortIsDown() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        ProbeOutcome outcome = run("127.0.0.1:" + port, Map.of());
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("connection refused");
    }

    @Test
    void sendAndExpectChecksTheReply() throws Exception {
        String target = "127.0.0.1:" + pong.getLocalPort();
        assertThat(run(target, Map.of("tcp.send", "PING\\r\\n", "tcp.expect", "+PONG")).success()).isTrue();
        ProbeOutcome wrong = run(target, Map.of("tcp.send", "HELLO\\r\\n", "tcp.expect", "+PONG"));
        assertThat(wrong.success()).isFalse();
        assertThat(wrong.message()).isEqualTo("connection closed before '+PONG' was received");
    }

    @Test
    void aSilentServerCostsOneTimeout() throws Exception {
        ProbeOutcome outcome = run("127.0.0.1:" + silent.getLocalPort(), Map.of("tcp.send", "PING\\r\\n", "tcp.expect", "+PONG", "timeout", "1s"));
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).isEqualTo("reply did not contain '+PONG' within 1000 ms");
    }
}
