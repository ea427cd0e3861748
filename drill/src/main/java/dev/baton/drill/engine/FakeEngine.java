package dev.baton.drill.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.common.testing.RedisPair;
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
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
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
 * {@code /health} and {@code /health/detailed} as the seeds' engine does. With {@code DRILL_ENGINE_DB_URL} (and
 * {@code DRILL_ENGINE_DB_USER}, {@code DRILL_ENGINE_DB_PASSWORD}) in its environment it also commits one order per
 * write to its site's PostgreSQL ({@code orders(id, site, seq, epoch, written_at)}, as the drill's database world
 * creates it): the rows the drill counts for the database RPO. With {@code DRILL_ENGINE_REDIS_PORT} (and
 * {@code DRILL_ENGINE_REDIS_PASSWORD}) it also appends {@code <site>:<seq>} to the list {@code orders} of its site's
 * Redis on 127.0.0.1 (RESP over a socket, as an engine's cache write would go).
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
    private final String dbUrl = System.getenv("DRILL_ENGINE_DB_URL");
    private Connection db;
    private Instant lastDbAttempt = Instant.EPOCH;
    private String lastDbError = "";
    private final String redisPort = System.getenv("DRILL_ENGINE_REDIS_PORT");
    private java.net.Socket redis;
    private Instant lastRedisAttempt = Instant.EPOCH;
    private String lastRedisError = "";

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
            writeOrder();
            pushOrder();
            keepSession();
        } catch (IOException | RuntimeException e) {
            System.err.println("engine tick failed: " + e);
        }
    }

    /**
     * Commits order {@code seq} to the site's database (autocommit: one transaction per order, acknowledged by the
     * primary alone, as asynchronous streaming replication leaves it). A refused or failed write (a fenced, read-only
     * or stopped database) is logged once per kind and retried with the next order on a fresh connection, at most
     * every 500 ms: the engine keeps trading, as the users' engines do when their database hiccups.
     */
    private void writeOrder() {
        if (dbUrl == null) {
            return;
        }
        try {
            if (db == null) {
                if (Duration.between(lastDbAttempt, Instant.now()).toMillis() < 500) {
                    return;
                }
                lastDbAttempt = Instant.now();
                java.util.Properties p = new java.util.Properties();
                p.setProperty("user", System.getenv().getOrDefault("DRILL_ENGINE_DB_USER", "postgres"));
                p.setProperty("password", System.getenv().getOrDefault("DRILL_ENGINE_DB_PASSWORD", ""));
                p.setProperty("connectTimeout", "1");
                p.setProperty("socketTimeout", "2");
                db = DriverManager.getConnection(dbUrl, p);
            }
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO orders (site, seq, epoch) VALUES (?, ?, ?)")) {
                insert.setString(1, site);
                insert.setLong(2, seq);
                insert.setLong(3, epoch);
                insert.executeUpdate();
            }
            if (!lastDbError.isEmpty()) {
                System.err.println("order writes resumed at seq " + seq);
                lastDbError = "";
            }
        } catch (SQLException e) {
            String kind = e.getSQLState() + "";
            if (!kind.equals(lastDbError)) {
                System.err.println("order " + seq + " not written: " + e.getMessage());
                lastDbError = kind;
            }
            closeDb();
        }
    }

    /**
     * Appends this order to its site's Redis ({@code RPUSH orders <site>:<seq>}); a refusal (a replica answers
     * READONLY) or a lost connection is logged once per kind, the connection dropped and tried again, at most every
     * 500 ms.
     */
    private void pushOrder() {
        if (redisPort == null) {
            return;
        }
        try {
            if (redis == null) {
                if (Duration.between(lastRedisAttempt, Instant.now()).toMillis() < 500) {
                    return;
                }
                lastRedisAttempt = Instant.now();
                java.net.Socket s = new java.net.Socket();
                s.connect(new InetSocketAddress("127.0.0.1", Integer.parseInt(redisPort)), 1000);
                s.setSoTimeout(2000);
                redis = s;
                RedisPair.write(s.getOutputStream(), "AUTH", System.getenv().getOrDefault("DRILL_ENGINE_REDIS_PASSWORD", ""));
                RedisPair.read(s.getInputStream());
            }
            // an error reply (READONLY from a replica, a refused AUTH) throws with Redis's own words
            RedisPair.write(redis.getOutputStream(), "RPUSH", "orders", site + ":" + seq);
            RedisPair.read(redis.getInputStream());
            if (!lastRedisError.isEmpty()) {
                System.err.println("Redis order writes resumed at seq " + seq);
                lastRedisError = "";
            }
        } catch (IOException | RuntimeException e) {
            String kind = String.valueOf(e.getMessage()).split(" ")[0];
            if (!kind.equals(lastRedisError)) {
                System.err.println("order " + seq + " not pushed to Redis: " + e.getMessage());
                lastRedisError = kind;
            }
            try {
                if (redis != null) {
                    redis.close();
                }
            } catch (IOException ignored) {
                // gone already
            }
            redis = null;
        }
    }

    private void closeDb() {
        if (db != null) {
            try {
                db.close();
            } catch (SQLException e) {
                // gone already
            }
            db = null;
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
