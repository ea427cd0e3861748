package dev.baton.notifier.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.notifier.client.HttpPoster;
import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic JSON webhook. The receiver verifies {@code X-Baton-Signature: sha256=<hex>}, the HMAC-SHA256 with the
 * shared secret over {@code <X-Baton-Timestamp>.<body>} (the timestamp lets it refuse replays). 2xx is accepted;
 * 408, 429 and 5xx retry; any other 4xx is permanent.
 */
public final class WebhookChannel implements Channel {
    public static final String SIGNATURE = "X-Baton-Signature";
    public static final String TIMESTAMP = "X-Baton-Timestamp";

    private final String name;
    private final URI url;
    private final byte[] secret;
    private final HttpPoster http;
    private final ObjectMapper json;
    private final Clock clock;

    public WebhookChannel(String name, NotifierConfig.Webhook config, HttpPoster http, ObjectMapper json, Clock clock) {
        this.name = name;
        this.url = URI.create(config.url());
        this.secret = config.secret().getBytes(StandardCharsets.UTF_8);
        this.http = http;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    public static String sign(byte[] secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            byte[] sig = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "sha256=" + HexFormat.of().formatHex(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    @Override
    public DeliveryResult send(Notification n) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "1");
        doc.put("status", n.resolved() ? "resolved" : "firing");
        doc.put("severity", n.severity());
        doc.put("subject", n.subject());
        List<Map<String, Object>> alerts = n.alerts().stream().map(WebhookChannel::describe).toList();
        doc.put("alerts", alerts);
        try {
            String body = json.writeValueAsString(doc);
            String ts = Long.toString(clock.instant().getEpochSecond());
            HttpPoster.Reply reply = http.postJson(url, body, Map.of(TIMESTAMP, ts, SIGNATURE, sign(secret, ts, body)));
            int s = reply.status();
            if (s >= 200 && s < 300) {
                return DeliveryResult.accepted();
            }
            String error = "webhook " + s;
            if (s >= 400 && s < 500 && s != 408 && s != 429) {
                return DeliveryResult.permanent(error);
            }
            return DeliveryResult.retry(error);
        } catch (IOException e) {
            return DeliveryResult.retry("webhook unreachable: " + e.getClass().getSimpleName());
        }
    }

    private static Map<String, Object> describe(Alert a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", a.key());
        m.put("severity", a.severity());
        m.put("title", a.title());
        m.put("message", a.message());
        m.put("source", a.source());
        m.put("labels", a.labels());
        m.put("resolved", a.resolved());
        m.put("receivedAt", a.receivedAt().toString());
        return m;
    }
}
