package dev.baton.drill.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.baton.drill.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Telegram's Bot API {@code sendMessage} as far as the notifier uses it: the token in the path must be
 * the configured one (else 401 as Telegram answers), the body must carry chat_id and text.
 */
public final class TelegramFake implements AutoCloseable {
    private final HttpServer server;
    private final String token;
    private final List<String> messages = new CopyOnWriteArrayList<>();

    public TelegramFake(String token) throws IOException {
        this.token = token;
        server = HttpServer.create(new InetSocketAddress(dev.baton.drill.Ports.bindAddress(), 0), 0);
        server.createContext("/", ex -> {
            try (ex) {
                String path = ex.getRequestURI().getPath();
                int status;
                Object body;
                if (!path.equals("/bot" + token + "/sendMessage")) {
                    status = 401;
                    body = Map.of("ok", false, "error_code", 401, "description", "Unauthorized");
                } else {
                    JsonNode req = Json.MAPPER.readTree(ex.getRequestBody().readNBytes(1 << 20));
                    if (!req.hasNonNull("chat_id") || !req.hasNonNull("text")) {
                        status = 400;
                        body = Map.of("ok", false, "error_code", 400, "description", "Bad Request: message text is empty");
                    } else {
                        messages.add(req.get("text").asText());
                        status = 200;
                        body = Map.of("ok", true, "result", Map.of("message_id", messages.size()));
                    }
                }
                byte[] out = Json.MAPPER.writeValueAsBytes(body);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(status, out.length);
                ex.getResponseBody().write(out);
            }
        });
        server.start();
    }

    public String url() {
        return "http://" + dev.baton.drill.Ports.host() + ":" + server.getAddress().getPort();
    }

    public String token() {
        return token;
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
