package dev.baton.notifier.client;

import dev.baton.notifier.config.NotifierConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one HTTP client the webhook-style channels share: JSON POSTs with connect and request timeouts.
 * Retries are not done here: the outbox owns them (durably, with backoff), so a call is one attempt.
 * The JDK client is used rather than a generated REST client because every channel's URL is configuration
 * (and Telegram's carries the bot token in its path, which must never reach a log).
 */
@ApplicationScoped
public class HttpPoster {
    private final HttpClient client;
    private final Duration timeout;

    public HttpPoster(NotifierConfig config) {
        this.timeout = config.outbox().httpTimeout();
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /** A reply: status, body text and the headers a channel may need (Retry-After). */
    public record Reply(int status, String body, Map<String, List<String>> headers) {
        public Optional<String> header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty())
                    .map(e -> e.getValue().get(0))
                    .findFirst();
        }
    }

    /** POSTs {@code body} as JSON. Throws on a transport failure; the message may contain the URL, so callers mask it. */
    public Reply postJson(URI uri, String body, Map<String, String> headers) throws IOException {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .header("User-Agent", "baton-notifier")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        headers.forEach(req::header);
        try {
            HttpResponse<String> res = client.send(req.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Reply(res.statusCode(), res.body(), res.headers().map());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
