package dev.baton.notifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * All notifier settings, under {@code baton.notifier}. Every key can be set by environment variable
 * ({@code baton.notifier.outbox.max-age} → {@code BATON_NOTIFIER_OUTBOX_MAX_AGE}). Secrets (bot tokens, webhook
 * URLs, routing keys, HMAC secrets) belong in the environment, never in the repository.
 * {@link ConfigValidator} checks what bean validation cannot (names, references, exactly one channel type).
 */
@ConfigMapping(prefix = "baton.notifier")
public interface NotifierConfig {

    /** Alert handling before anything is sent. */
    @Valid
    Pipeline pipeline();

    /** The durable outbox worker. */
    @Valid
    Outbox outbox();

    /**
     * Channels by name ({@code baton.notifier.channels.<name>.<type>.*}). Each channel has exactly one type
     * section: {@code telegram}, {@code email}, {@code slack}, {@code pagerduty} or {@code webhook}.
     */
    Map<String, @Valid ChannelConfig> channels();

    /**
     * Routes, tried in order ({@code baton.notifier.routes[0].*}). An alert goes to the channels of the first
     * route that matches it, and of later matches too while a matching route says {@code continue=true}.
     * An alert matching no route is stored but sent nowhere (visible at {@code GET /api/v1/alerts}).
     */
    List<@Valid RouteConfig> routes();

    /**
     * Inhibition rules ({@code baton.notifier.inhibit[0].*}): while an alert matching {@code source} is firing,
     * new alerts matching {@code target} that carry the same values for the {@code equal} labels are not sent.
     */
    List<@Valid InhibitConfig> inhibit();

    interface Pipeline {
        /** A firing alert re-posted with the same dedupKey within this time of its last notification is dropped. Default 5m. */
        @WithDefault("5m")
        Duration dedupWindow();

        /** A still-firing alert re-posted at least this long after its last notification is sent again. Default 4h; not below dedup-window. */
        @WithDefault("4h")
        Duration repeatInterval();

        /**
         * How long an alert waits before its first send, so a burst with the same group labels becomes one message.
         * Default 2s; 0 sends at once.
         */
        @WithDefault("2s")
        Duration groupWait();

        /** Labels whose values form the group; alerts for the same channel with equal values are sent together. Default {@code site}. */
        @WithDefault("site")
        List<String> groupBy();
    }

    interface Outbox {
        /** How often the worker looks for due deliveries (it is also woken at once by each accepted alert). Default 1s. */
        @WithDefault("1s")
        Duration pollInterval();

        /** How long a claimed delivery is reserved for one worker; after this a crashed worker's claim is taken over. Default 60s. */
        @WithDefault("60s")
        Duration lease();

        /** Most deliveries claimed per poll. Default 100. */
        @WithDefault("100")
        @Min(1)
        @Max(10_000)
        int batchSize();

        /** Threads sending to channels in parallel (one group per thread at a time). Default 4. */
        @WithDefault("4")
        @Min(1)
        @Max(64)
        int senders();

        /** First retry delay after a failed send; doubles per attempt. Default 2s. */
        @WithDefault("2s")
        Duration initialBackoff();

        /** Longest retry delay. Default 5m. */
        @WithDefault("5m")
        Duration maxBackoff();

        /** Random spread applied to each retry delay, as a fraction (0.2 = ±20%). Default 0.2. */
        @WithDefault("0.2")
        double jitter();

        /** After this long undelivered, a delivery is dead-lettered (visible at GET /api/v1/alerts). Default 24h. */
        @WithDefault("24h")
        Duration maxAge();

        /** Per-request timeout for channel HTTP calls. Default 10s. */
        @WithDefault("10s")
        Duration httpTimeout();
    }

    interface ChannelConfig {
        /** Telegram Bot API section. */
        Optional<@Valid Telegram> telegram();

        /** Email (SMTP through Quarkus Mailer; server settings are {@code quarkus.mailer.*}). */
        Optional<@Valid Email> email();

        /** Slack incoming webhook section. */
        Optional<@Valid Slack> slack();

        /** PagerDuty Events API v2 section. */
        Optional<@Valid PagerDuty> pagerduty();

        /** Generic webhook section (JSON POST signed with HMAC-SHA256). */
        Optional<@Valid Webhook> webhook();

        /**
         * After this many consecutive failed sends on this channel, CRITICAL alerts it cannot deliver are also
         * routed to {@code fallback}. Default 3.
         */
        @WithDefault("3")
        @Min(1)
        int escalateAfter();

        /** Name of the channel that takes CRITICAL alerts when this one keeps failing. No default (no escalation). */
        Optional<String> fallback();
    }

    interface Telegram {
        /** Bot token from BotFather ({@code 123456:ABC...}). Required; a secret: it is masked in every log line and error. */
        @NotBlank
        String token();

        /** Target chat id (negative for groups) or {@code @channelusername}. Required. */
        @NotBlank
        String chatId();

        /** Bot API base URL. Default {@code https://api.telegram.org}. */
        @WithDefault("https://api.telegram.org")
        String apiUrl();

        /** Messages per second per chat (Telegram allows about one). Default 1. */
        @WithDefault("1")
        @Min(1)
        @Max(30)
        int messagesPerSecond();
    }

    interface Email {
        /** Sender address. Required. */
        @NotBlank
        String from();

        /** Recipient addresses. Required, at least one. */
        @NotEmpty
        List<@NotBlank String> to();
    }

    interface Slack {
        /** The incoming-webhook URL ({@code https://hooks.slack.com/services/...}). Required; a secret, never logged. */
        @NotBlank
        String webhookUrl();
    }

    interface PagerDuty {
        /** Integration (routing) key of the Events API v2 integration. Required; a secret. */
        @NotBlank
        @Size(min = 32, max = 32, message = "a PagerDuty routing key is 32 characters")
        String routingKey();

        /** Events API base URL. Default {@code https://events.pagerduty.com}. */
        @WithDefault("https://events.pagerduty.com")
        String apiUrl();
    }

    interface Webhook {
        /** Target URL. Required. */
        @NotBlank
        String url();

        /** HMAC-SHA256 key for the {@code X-Baton-Signature} header. Required, at least 16 characters; a secret. */
        @Size(min = 16, message = "the HMAC secret must be at least 16 characters")
        String secret();
    }

    interface RouteConfig {
        /** Severities this route takes. Default: all. */
        @WithDefault("INFO,WARNING,CRITICAL")
        Set<String> severities();

        /** Labels that must all be equal to these values. Default: none (any labels). */
        @WithName("labels")
        Map<String, String> labels();

        /** Channel names this route sends to. Required. */
        @NotEmpty
        List<String> channels();

        /** Whether later routes are also tried after this one matched. Default false. */
        @WithName("continue")
        @WithDefault("false")
        boolean continueMatching();
    }

    interface InhibitConfig {
        /** Labels (and optionally {@code severity}) the inhibiting, firing alert must carry. Required. */
        Map<String, String> source();

        /** Labels (and optionally {@code severity}) the inhibited alert must carry. Required. */
        Map<String, String> target();

        /** Labels whose values must be equal in both, e.g. {@code site}. Default: none. */
        Optional<List<String>> equal();
    }
}
