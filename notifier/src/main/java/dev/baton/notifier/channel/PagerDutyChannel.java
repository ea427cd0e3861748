package dev.baton.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.wire.Severity;
import dev.baton.notifier.client.HttpPoster;
import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * PagerDuty Events API v2 ({@code POST /v2/enqueue}). One event per alert, with a {@code dedup_key} derived only
 * from the alert's key, so the resolve closes the incident the trigger opened and a re-sent trigger is merged by
 * PagerDuty rather than paging twice. 202 is accepted; 400 (invalid event) is permanent; 429 and 5xx retry.
 */
public final class PagerDutyChannel implements Channel {
    private final String name;
    private final String routingKey;
    private final URI enqueue;
    private final HttpPoster http;
    private final ObjectMapper json;

    public PagerDutyChannel(String name, NotifierConfig.PagerDuty config, HttpPoster http, ObjectMapper json) {
        this.name = name;
        this.routingKey = config.routingKey();
        this.enqueue = URI.create(config.apiUrl().replaceAll("/+$", "") + "/v2/enqueue");
        this.http = http;
        this.json = json;
    }

    @Override
    public String name() {
        return name;
    }

    /** The same alert key always gives the same dedup_key (at most 255 characters, as PagerDuty requires). */
    public static String dedupKey(String alertKey) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(alertKey.getBytes(StandardCharsets.UTF_8));
            return "baton-" + HexFormat.of().formatHex(digest, 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }

    static String pdSeverity(Severity s) {
        return switch (s) {
            case CRITICAL -> "critical";
            case WARNING -> "warning";
            case INFO -> "info";
        };
    }

    @Override
    public DeliveryResult send(Notification n) {
        // Each event is idempotent by dedup_key, so re-sending the whole group after a partial failure is harmless.
        for (Alert a : n.alerts()) {
            DeliveryResult r = sendOne(a);
            if (!(r instanceof DeliveryResult.Accepted)) {
                return r;
            }
        }
        return DeliveryResult.accepted();
    }

    private DeliveryResult sendOne(Alert a) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("routing_key", routingKey);
        event.put("event_action", a.resolved() ? "resolve" : "trigger");
        event.put("dedup_key", dedupKey(a.key()));
        if (!a.resolved()) {
            String summary = a.severity() + ": " + a.title();
            Map<String, Object> payload = new LinkedHashMap<>();
            payload.put("summary", summary.length() > 1024 ? summary.substring(0, 1024) : summary);
            payload.put("source", a.source().isBlank() ? "baton" : a.source());
            payload.put("severity", pdSeverity(a.severity()));
            payload.put("timestamp", a.receivedAt().toString());
            payload.put("custom_details", Map.of("message", a.message(), "labels", a.labels()));
            event.put("payload", payload);
        }
        try {
            HttpPoster.Reply reply = http.postJson(enqueue, json.writeValueAsString(event), Map.of());
            JsonNode answer = parse(reply.body());
            if (reply.status() == 202 && "success".equals(answer.path("status").asText())) {
                return DeliveryResult.accepted();
            }
            String error = "pagerduty " + reply.status() + ": " + answer.path("message").asText("")
                    + (answer.has("errors") ? " " + answer.path("errors") : "");
            if (reply.status() == 400) {
                return DeliveryResult.permanent(error);
            }
            return DeliveryResult.retry(error);
        } catch (IOException e) {
            return DeliveryResult.retry("pagerduty unreachable: " + e.getClass().getSimpleName());
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }
}
