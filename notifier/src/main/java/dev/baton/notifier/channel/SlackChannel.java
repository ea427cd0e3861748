package dev.baton.notifier.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.notifier.client.HttpPoster;
import dev.baton.notifier.config.NotifierConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * Slack incoming webhook: POST {@code {"text": ...}}; Slack answers 200 {@code ok}, or 4xx with a plain-text
 * error ({@code invalid_payload}, {@code no_service}, {@code channel_is_archived}) that is permanent, or 429 with
 * {@code Retry-After}. The webhook URL is a secret: it is never part of an error text.
 */
public final class SlackChannel implements Channel {
    private final String name;
    private final URI webhook;
    private final HttpPoster http;
    private final ObjectMapper json;

    public SlackChannel(String name, NotifierConfig.Slack config, HttpPoster http, ObjectMapper json) {
        this.name = name;
        this.webhook = URI.create(config.webhookUrl());
        this.http = http;
        this.json = json;
    }

    @Override
    public String name() {
        return name;
    }

    /** Slack's mrkdwn needs only &, < and > escaped. */
    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** Slack shortens a message's {@code text} past 40,000 characters: a larger group goes as parts that each fit. */
    public static final int LIMIT = 40_000;

    @Override
    public java.util.List<Notification> split(Notification n) {
        return Notification.split(n, part -> text(part).length(), LIMIT);
    }

    static String text(Notification n) {
        return escape(n.plainText());
    }

    @Override
    public DeliveryResult send(Notification n) {
        try {
            String body = json.writeValueAsString(Map.of("text", text(n)));
            HttpPoster.Reply reply = http.postJson(webhook, body, Map.of());
            String said = reply.body() == null ? "" : reply.body().strip();
            if (reply.status() == 200) {
                return DeliveryResult.accepted();
            }
            String error = "slack " + reply.status() + ": " + (said.length() > 200 ? said.substring(0, 200) : said);
            if (reply.status() == 429) {
                return reply.header("Retry-After").map(SlackChannel::seconds)
                        .map(after -> DeliveryResult.retryAfter(after, error))
                        .orElseGet(() -> DeliveryResult.retry(error));
            }
            if (reply.status() >= 400 && reply.status() < 500) {
                return DeliveryResult.permanent(error);
            }
            return DeliveryResult.retry(error);
        } catch (IOException e) {
            return DeliveryResult.retry("slack unreachable: " + e.getClass().getSimpleName());
        }
    }

    private static Duration seconds(String header) {
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return Duration.ofSeconds(30);
        }
    }
}
