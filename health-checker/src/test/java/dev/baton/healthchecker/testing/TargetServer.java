package dev.baton.healthchecker.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A loopback HTTP target that misbehaves on demand. Paths: {@code /ok} (the trading engine's healthy
 * detailed health), {@code /disconnected} (broker gateway down), {@code /down} (503), {@code /garbage}
 * (not JSON), {@code /huge} (a 10 MB body), {@code /hang} (never answers), {@code /slowloris} (headers and
 * a few bytes, then nothing), and {@code /switch}, whose answer the test flips with {@link #healthy(boolean)}.
 * Stalled handlers are released by {@link #close()}.
 */
public final class TargetServer implements AutoCloseable {
    public static final String HEALTHY = "{\"status\":\"ok\",\"components\":{\"ib_gateway\":{\"connected\":true},\"db\":{\"ok\":true}}}";
    public static final String DISCONNECTED = "{\"status\":\"degraded\",\"components\":{\"ib_gateway\":{\"connected\":false}}}";

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "target-server");
        t.setDaemon(true);
        return t;
    });
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile boolean healthy = true;

    private TargetServer(HttpServer server) {
        this.server = server;
        server.setExecutor(executor);
        server.createContext("/ok", ex -> respond(ex, 200, HEALTHY));
        server.createContext("/disconnected", ex -> respond(ex, 200, DISCONNECTED));
        server.createContext("/down", ex -> respond(ex, 503, "{\"status\":\"down\"}"));
        server.createContext("/garbage", ex -> respond(ex, 200, "<html>\u0000\u0001 not json at all"));
        server.createContext("/huge", this::huge);
        server.createContext("/hang", ex -> stall(ex, false));
        server.createContext("/slowloris", ex -> stall(ex, true));
        server.createContext("/switch", ex -> {
            if (healthy) {
                respond(ex, 200, HEALTHY);
            } else {
                respond(ex, 503, "{\"status\":\"down\"}");
            }
        });
        server.start();
    }

    public static TargetServer http() throws IOException {
        return new TargetServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64));
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void healthy(boolean healthy) {
        this.healthy = healthy;
    }

    private static void respond(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void huge(HttpExchange ex) throws IOException {
        ex.sendResponseHeaders(200, 0);
        byte[] chunk = "{\"pad\":\"".concat("x".repeat(8184)).getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = ex.getResponseBody()) {
            for (int i = 0; i < 1280; i++) {
                out.write(chunk);
            }
        } catch (IOException e) {
            // the prober hung up, as it should
        }
    }

    private void stall(HttpExchange ex, boolean partial) throws IOException {
        try {
            if (partial) {
                ex.sendResponseHeaders(200, 1000);
                ex.getResponseBody().write("{\"status\":".getBytes(StandardCharsets.UTF_8));
                ex.getResponseBody().flush();
            }
            release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            // the prober hung up
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
