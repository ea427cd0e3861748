package dev.baton.drill.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.drill.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in trading engine, run as its own process by a simulated site. It continues the state
 * sequence it finds in {@code <root>/state/engine.json}, writes the next number several times a
 * second (atomically: temp file + rename), holds a session with the broker simulator, and serves
 * {@code /health} and {@code /health/detailed} as the seeds' engine does.
 *
 * <pre>java -cp drill.jar dev.baton.drill.engine.FakeEngine site root port brokerUrl account [periodMs]</pre>
 */
public final class FakeEngine {
    private final String site;
    private final Path state;
    private final Path root;
    /** The epoch this engine was started under (its site's epoch file then; 0 before Baton wrote one): on every write. */
    private volatile long epoch;
    private final URI broker;
    private final String account;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile long seq;
    private volatile String sessionId;
    private volatile boolean connected;
    private volatile Instant lastLoginAttempt = Instant.EPOCH;

    FakeEngine(String site, Path root, URI broker, String account) {
        this.site = site;
        this.root = root;
        this.state = root.resolve("state");
        this.broker = broker;
        this.account = account;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: FakeEngine site root port brokerUrl account [periodMs]");
            System.exit(2);
        }
        FakeEngine engine = new FakeEngine(args[0], Path.of(args[1]), URI.create(args[3]), args[4]);
        long period = args.length > 5 ? Long.parseLong(args[5]) : 200;
        engine.run(Integer.parseInt(args[2]), period);
    }

    void run(int port, long periodMs) throws IOException, InterruptedException {
        Files.createDirectories(state);
        seq = readSeq();
        epoch = readEpoch();
        // the drill reads this line to measure RPO: how many sequence numbers the handover lost
        System.out.println("started-from-seq " + seq);
        System.out.flush();
        HttpServer server = HttpServer.create(new InetSocketAddress(dev.baton.drill.Ports.bindAddress(), port), 0);
        server.createContext("/health", this::health);
        server.start();
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor();
        // fixed delay: ticks missed while the process was stopped are not fired back to back on SIGCONT
        ticks.scheduleWithFixedDelay(this::tick, 0, periodMs, TimeUnit.MILLISECONDS);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ticks.shutdownNow();
            try {
                ticks.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            // the last sequence number this engine wrote: the drill's RPO reference after a clean stop
            System.out.println("stopped-at-seq " + seq);
            System.out.flush();
            logout();
            server.stop(0);
            stopped.countDown();
        }));
        stopped.await();
    }

    private long readEpoch() {
        try {
            return Long.parseLong(Files.readString(root.resolve(".baton/epoch")).trim());
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
    }

    private void tick() {
        try {
            seq++;
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("seq", seq);
            doc.put("site", site);
            doc.put("epoch", epoch);
            doc.put("writtenAt", Instant.now().toString());
            Path tmp = state.resolve(".engine.json.tmp");
            Files.write(tmp, Json.MAPPER.writeValueAsBytes(doc));
            Files.move(tmp, state.resolve("engine.json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            keepSession();
        } catch (IOException | RuntimeException e) {
            System.err.println("engine tick failed: " + e);
        }
    }

    /**
     * Heartbeats the session, or logs in again when the broker says it is gone. Only the broker's 409 ends a
     * session here: a heartbeat that timed out or was interrupted may well have reached the broker (after a
     * SIGSTOP, the one in flight times out on resume and the queued one lands), so the engine keeps its session
     * id and its shutdown can still log out. Forgetting it there left a live session behind a stopped engine.
     */
    private void keepSession() {
        if (sessionId != null) {
            int status = post("/session/heartbeat", Map.of("sessionId", sessionId));
            if (status == 200) {
                connected = true;
                return;
            }
            connected = false;
            if (status != 409) {
                return; // unreachable or slow: try the same session again next tick
            }
            sessionId = null;
        }
        connected = false;
        // reconnect like a gateway would, but not in a tight loop
        if (Duration.between(lastLoginAttempt, Instant.now()).toMillis() >= 2_000) {
            lastLoginAttempt = Instant.now();
            JsonNode reply = postForJson("/session/login", Map.of("account", account, "engine", site));
            if (reply != null && reply.hasNonNull("sessionId")) {
                sessionId = reply.get("sessionId").asText();
                connected = true;
            }
        }
    }

    /** Logs out; prints {@code broker-logout ok} once the broker confirmed it (a clean logout the drill can read). */
    private void logout() {
        String id = sessionId;
        if (id != null && post("/session/logout", Map.of("sessionId", id)) == 200) {
            connected = false;
            System.out.println("broker-logout ok");
            System.out.flush();
        }
    }

    private long readSeq() {
        try {
            JsonNode doc = Json.MAPPER.readTree(state.resolve("engine.json").toFile());
            return doc.path("seq").asLong(0);
        } catch (IOException e) {
            return 0;
        }
    }

    private void health(HttpExchange ex) throws IOException {
        try (ex) {
            boolean detailed = ex.getRequestURI().getPath().endsWith("/detailed");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", connected ? "healthy" : "degraded");
            body.put("site", site);
            body.put("seq", seq);
            if (detailed) {
                body.put("components", Map.of("ib_gateway", Map.of("connected", connected)));
            }
            byte[] out = Json.MAPPER.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
        }
    }

    private int post(String path, Map<String, ?> body) {
        try {
            return http.send(request(path, body), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private JsonNode postForJson(String path, Map<String, ?> body) {
        try {
            HttpResponse<byte[]> r = http.send(request(path, body), HttpResponse.BodyHandlers.ofByteArray());
            return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private HttpRequest request(String path, Map<String, ?> body) throws IOException {
        return HttpRequest.newBuilder(broker.resolve(path))
                .timeout(Duration.ofSeconds(1))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body)))
                .build();
    }
}
