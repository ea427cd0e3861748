package dev.baton.drill.fakes;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.drill.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * A cloud provider's server power API, shaped like Hetzner Cloud's: {@code POST /v1/servers/{id}/actions/poweroff}
 * (Bearer token) cuts the power, {@code GET /v1/servers/{id}} answers {@code {"server": {"status": "off"|"running"}}}.
 * Cutting the power runs {@code powerOff}: the drill kills the site's engine at once, as pulling the plug would.
 * This is the coordinator's fencing endpoint for a site it cannot reach over SSH.
 */
public final class PowerApiFake implements AutoCloseable {
    public static final String SERVER_ID = "4711";

    private final String token;
    private final Runnable powerOff;
    private final HttpServer server;
    private volatile boolean off;
    private volatile Instant poweredOffAt;

    public PowerApiFake(String token, Runnable powerOff) throws IOException {
        this.token = token;
        this.powerOff = powerOff;
        this.server = HttpServer.create(new InetSocketAddress(dev.baton.drill.Ports.bindAddress(), 0), 0);
        server.createContext("/v1/servers/", this::handle);
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "power-api");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The fencing endpoint's {@code url} (POST powers off). */
    public String powerOffUrl() {
        return base() + "/v1/servers/" + SERVER_ID + "/actions/poweroff";
    }

    /** The fencing endpoint's {@code status-url}. */
    public String statusUrl() {
        return base() + "/v1/servers/" + SERVER_ID;
    }

    public boolean isOff() {
        return off;
    }

    public Instant poweredOffAt() {
        return poweredOffAt;
    }

    /** The server is switched on again (the drill's reset): its engine stays down until something starts it. */
    public void powerOn() {
        off = false;
        poweredOffAt = null;
    }

    private String base() {
        return "http://" + dev.baton.drill.Ports.host() + ":" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            int status;
            Map<String, Object> body = new LinkedHashMap<>();
            String path = ex.getRequestURI().getPath();
            if (!("Bearer " + token).equals(ex.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                body.put("error", Map.of("code", "unauthorized", "message", "unable to authenticate"));
            } else if (ex.getRequestMethod().equals("POST") && path.equals("/v1/servers/" + SERVER_ID + "/actions/poweroff")) {
                if (!off) {
                    powerOff.run();
                    off = true;
                    poweredOffAt = Instant.now();
                }
                status = 201;
                body.put("action", Map.of("id", 13, "command", "stop_server", "status", "running",
                        "resources", java.util.List.of(Map.of("id", Long.parseLong(SERVER_ID), "type", "server"))));
            } else if (ex.getRequestMethod().equals("GET") && path.equals("/v1/servers/" + SERVER_ID)) {
                status = 200;
                body.put("server", Map.of("id", Long.parseLong(SERVER_ID), "name", "primary", "status", off ? "off" : "running"));
            } else {
                status = 404;
                body.put("error", Map.of("code", "not_found", "message", "server not found"));
            }
            byte[] out = Json.MAPPER.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(status, out.length);
            ex.getResponseBody().write(out);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
