package dev.baton.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.notifier.client.HttpPoster;
import dev.baton.notifier.config.NotifierConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * Telegram Bot API {@code sendMessage}. 429 honours {@code parameters.retry_after}; a 400 carrying
 * {@code parameters.migrate_to_chat_id} (group upgraded to a supergroup) is followed at once and remembered;
 * other 400/401/403/404 are permanent (e.g. "Forbidden: bot was blocked by the user"). The token is part of the
 * URL path, so every error text passes through {@link #mask} before it goes anywhere.
 */
public final class TelegramChannel implements Channel {
    private static final Logger LOG = Logger.getLogger(TelegramChannel.class);

    private final String name;
    private final String token;
    private final String apiUrl;
    private final AtomicReference<String> chatId;
    private final TokenBucket bucket;
    private final HttpPoster http;
    private final ObjectMapper json;

    public TelegramChannel(String name, NotifierConfig.Telegram config, HttpPoster http, ObjectMapper json) {
        this.name = name;
        this.token = config.token();
        this.apiUrl = config.apiUrl().replaceAll("/+$", "");
        this.chatId = new AtomicReference<>(config.chatId());
        this.bucket = new TokenBucket(config.messagesPerSecond(), System::nanoTime);
        this.http = http;
        this.json = json;
    }

    @Override
    public String name() {
        return name;
    }

    /** The chat messages go to now (changes when Telegram migrates a group). */
    public String chatId() {
        return chatId.get();
    }

    /** Parts of at most {@link TelegramText#LIMIT} characters each. */
    @Override
    public List<Notification> split(Notification notification) {
        return Notification.split(notification, TelegramText::length, TelegramText.LIMIT);
    }

    @Override
    public DeliveryResult send(Notification notification) {
        String chat = chatId.get();
        Duration wait = bucket.tryAcquire(chat);
        if (!wait.isZero()) {
            return new DeliveryResult.Throttled(wait);
        }
        return sendTo(chat, TelegramText.render(notification), true);
    }

    private DeliveryResult sendTo(String chat, String text, boolean mayFollowMigration) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("chat_id", chat);
        body.put("text", text);
        body.put("parse_mode", "HTML");
        body.put("disable_web_page_preview", true);
        try {
            HttpPoster.Reply reply = http.postJson(URI.create(apiUrl + "/bot" + token + "/sendMessage"),
                    json.writeValueAsString(body), Map.of());
            JsonNode answer = parse(reply.body());
            if (reply.status() == 200 && answer.path("ok").asBoolean(false)) {
                return DeliveryResult.accepted();
            }
            String description = mask(answer.path("description").asText("HTTP " + reply.status()));
            JsonNode params = answer.path("parameters");
            if (reply.status() == 429) {
                long after = params.path("retry_after").asLong(0);
                String error = "telegram 429: " + description;
                return after > 0 ? DeliveryResult.retryAfter(Duration.ofSeconds(after), error) : DeliveryResult.retry(error);
            }
            if (reply.status() == 400 && params.has("migrate_to_chat_id") && mayFollowMigration) {
                String migrated = params.path("migrate_to_chat_id").asText();
                chatId.compareAndSet(chat, migrated);
                LOG.warnf("telegram channel %s: chat %s migrated to %s; update its chat-id configuration", name, chat, migrated);
                return sendTo(migrated, text, false);
            }
            if (reply.status() >= 400 && reply.status() < 500) {
                return DeliveryResult.permanent("telegram " + reply.status() + ": " + description);
            }
            return DeliveryResult.retry("telegram " + reply.status() + ": " + description);
        } catch (IOException e) {
            return DeliveryResult.retry("telegram unreachable: " + mask(String.valueOf(e.getMessage())));
        }
    }

    private JsonNode parse(String body) {
        try {
            return json.readTree(body == null || body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    /** Removes the bot token from any text (it is in the request path). */
    String mask(String text) {
        return text.replace(token, "<token>");
    }
}
