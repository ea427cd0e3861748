package dev.baton.drill.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.drill.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;

/**
 * A broker that allows ONE session per account, like IBKR. Engines log in, heartbeat and log out.
 * A login while another engine's session on the same account is still alive (heartbeat within the
 * liveness window) kicks the old one and is recorded as a double-active violation: the failure
 * Baton exists to prevent. A login after the old session went silent is a clean takeover. A session that went
 * silent for longer than the liveness window is over, as at a real broker: a heartbeat that arrives later (an engine
 * frozen and resumed, or one its kernel's TCP retransmission delivers after the engine itself died behind a
 * partition) is answered 409 and revives nothing; the engine must log in again, which is a login like any other.
 *
 * <pre>
 * POST /session/login     {"account","engine"}   -> {"sessionId"}
 * POST /session/heartbeat {"sessionId"}          -> 200, or 409 when the session was kicked or has expired
 * POST /session/logout    {"sessionId"}          -> 200
 * GET  /violations                               -> [{at, account, activeEngine, newEngine}]
 * GET  /sessions                                 -> {account: {engine, lastHeartbeat, live}}
 * GET  /sessions/{account}                       -> {account, live, engine, lastHeartbeat}: Baton's session check
 * </pre>
 * {@code live} is the broker's own truth: a session whose last heartbeat is within the liveness window. While
 * {@link #failSessionApi} is set, both GETs answer 503 (the broker's account API down).
 */
public final class BrokerSimulator implements AutoCloseable {

    /** Two engines alive on one account at the same instant. */
    public record Violation(Instant at, String account, String activeEngine, String newEngine) {
    }

    /** One login, for the timeline. */
    public record Login(Instant at, String account, String engine, boolean takeover) {
    }

    /** A heartbeat for a session that had already expired (silent for {@code silent}): refused, for the timeline. */
    public record LateHeartbeat(Instant at, String account, String engine, Duration silent) {
    }

    private record Session(String id, String account, String engine, Instant lastHeartbeat) {
    }

    private final Clock clock;
    private final Duration liveness;
    private final Map<String, Session> byAccount = new HashMap<>();
    private final List<Violation> violations = new ArrayList<>();
    private final List<Login> logins = new ArrayList<>();
    private final List<LateHeartbeat> lateHeartbeats = new ArrayList<>();
    private final HttpServer server;
    private volatile boolean sessionApiDown;

    public BrokerSimulator(Duration liveness, Clock clock) throws IOException {
        this.liveness = liveness;
        this.clock = clock;
        this.server = HttpServer.create(new InetSocketAddress(dev.baton.drill.Ports.bindAddress(), 0), 0);
        server.createContext("/session/login", ex -> handle(ex, body -> login(body.path("account").asText(), body.path("engine").asText())));
        server.createContext("/session/heartbeat", ex -> handle(ex, body -> heartbeat(body.path("sessionId").asText())));
        server.createContext("/session/logout", ex -> handle(ex, body -> logout(body.path("sessionId").asText())));
        server.createContext("/violations", ex -> handle(ex, body -> new Reply(200, violations())));
        server.createContext("/sessions", ex -> handle(ex, body -> sessionApi(ex.getRequestURI().getPath())));
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "broker-sim");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    public String url() {
        return "http://" + dev.baton.drill.Ports.host() + ":" + server.getAddress().getPort();
    }

    /** Logs an engine in; kicks and records a violation if another engine is still alive on the account. */
    public synchronized Reply login(String account, String engine) {
        if (account.isBlank() || engine.isBlank()) {
            return new Reply(400, Map.of("error", "account and engine are required"));
        }
        Instant now = clock.instant();
        Session current = byAccount.get(account);
        boolean takeover = current != null;
        if (current != null && !current.engine().equals(engine) && alive(current, now)) {
            violations.add(new Violation(now, account, current.engine(), engine));
        }
        Session s = new Session(UUID.randomUUID().toString(), account, engine, now);
        byAccount.put(account, s);
        logins.add(new Login(now, account, engine, takeover));
        return new Reply(200, Map.of("sessionId", s.id()));
    }

    public synchronized Reply heartbeat(String sessionId) {
        Instant now = clock.instant();
        for (Map.Entry<String, Session> e : byAccount.entrySet()) {
            Session s = e.getValue();
            if (s.id().equals(sessionId)) {
                if (!alive(s, now)) {
                    // over: silent past the liveness window, whatever arrives now
                    byAccount.remove(e.getKey());
                    lateHeartbeats.add(new LateHeartbeat(now, s.account(), s.engine(), Duration.between(s.lastHeartbeat(), now)));
                    return new Reply(409, Map.of("error", "session expired"));
                }
                e.setValue(new Session(sessionId, e.getKey(), s.engine(), now));
                return new Reply(200, Map.of("ok", true));
            }
        }
        return new Reply(409, Map.of("error", "session was replaced by another login"));
    }

    /** Heartbeats that came after their session had expired (refused). */
    public synchronized List<LateHeartbeat> lateHeartbeats() {
        return List.copyOf(lateHeartbeats);
    }

    public synchronized Reply logout(String sessionId) {
        byAccount.values().removeIf(s -> s.id().equals(sessionId));
        return new Reply(200, Map.of("ok", true));
    }

    public synchronized List<Violation> violations() {
        return List.copyOf(violations);
    }

    public synchronized List<Login> logins() {
        return List.copyOf(logins);
    }

    /** The engine holding the account's live session, if any. */
    public synchronized String activeEngine(String account) {
        Session s = byAccount.get(account);
        return s != null && alive(s, clock.instant()) ? s.engine() : null;
    }

    /** While on, the session API answers 503: the broker's account API is down and cannot tell. */
    public void failSessionApi(boolean failing) {
        this.sessionApiDown = failing;
    }

    private synchronized Reply sessionApi(String path) {
        if (sessionApiDown) {
            return new Reply(503, Map.of("error", "account service unavailable"));
        }
        Instant now = clock.instant();
        String account = path.startsWith("/sessions/") ? path.substring("/sessions/".length()) : "";
        if (account.isEmpty()) {
            Map<String, Map<String, Object>> out = new HashMap<>();
            byAccount.forEach((a, s) -> out.put(a, Map.of("engine", s.engine(), "lastHeartbeat", s.lastHeartbeat().toString(),
                    "live", alive(s, now))));
            return new Reply(200, out);
        }
        Session s = byAccount.get(account);
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("account", account);
        out.put("live", s != null && alive(s, now));
        if (s != null) {
            out.put("engine", s.engine());
            out.put("lastHeartbeat", s.lastHeartbeat().toString());
        }
        return new Reply(200, out);
    }

    private boolean alive(Session s, Instant now) {
        return Duration.between(s.lastHeartbeat(), now).compareTo(liveness) <= 0;
    }

    /** An HTTP answer: status and a JSON-serialisable body. */
    public record Reply(int status, Object body) {
    }

    private interface Handler {
        Reply handle(JsonNode body) throws IOException;
    }

    private static void handle(HttpExchange ex, Handler handler) throws IOException {
        try (ex) {
            JsonNode body;
            try (InputStream in = ex.getRequestBody()) {
                byte[] bytes = in.readNBytes(64 * 1024);
                body = bytes.length == 0 ? Json.MAPPER.createObjectNode() : Json.MAPPER.readTree(bytes);
            } catch (IOException e) {
                send(ex, new Reply(400, Map.of("error", "malformed JSON")));
                return;
            }
            send(ex, handler.handle(body));
        }
    }

    private static void send(HttpExchange ex, Reply reply) throws IOException {
        byte[] out = Json.MAPPER.writeValueAsBytes(reply.body());
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(reply.status(), out.length);
        ex.getResponseBody().write(out);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
