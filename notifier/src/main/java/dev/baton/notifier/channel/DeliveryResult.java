package dev.baton.notifier.channel;

import java.time.Duration;
import java.util.Optional;

/** What a channel said about one send. Error texts never contain secrets. */
public sealed interface DeliveryResult {

    /** The channel took it (Telegram ok, SMTP 250, PagerDuty 202, Slack "ok", webhook 2xx). */
    record Accepted() implements DeliveryResult {
    }

    /** Try again later: after {@code after} if the channel said so (429 retry_after), else by backoff. */
    record Retry(Optional<Duration> after, String error) implements DeliveryResult {
    }

    /** Our own rate limit says wait; not a failure of the channel. */
    record Throttled(Duration after) implements DeliveryResult {
    }

    /** The channel will never take it (e.g. Telegram 403 "bot was blocked"); dead-letter with this reason. */
    record Permanent(String error) implements DeliveryResult {
    }

    static DeliveryResult accepted() {
        return new Accepted();
    }

    static DeliveryResult retry(String error) {
        return new Retry(Optional.empty(), error);
    }

    static DeliveryResult retryAfter(Duration after, String error) {
        return new Retry(Optional.of(after), error);
    }

    static DeliveryResult permanent(String error) {
        return new Permanent(error);
    }
}
