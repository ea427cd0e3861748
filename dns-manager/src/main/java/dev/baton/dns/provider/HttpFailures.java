package dev.baton.dns.provider;

import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Supplier;

/** Turns HTTP outcomes of provider APIs into {@link ProviderException}s with the right kind. */
public final class HttpFailures {

    private HttpFailures() {
    }

    /** Runs one HTTP exchange; network failures and timeouts become retryable {@code UNAVAILABLE}. */
    public static <T> T exchange(String what, Supplier<T> call) {
        try {
            return call.get();
        } catch (ProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            throw ProviderException.transientFailure(what + ": " + root.getClass().getSimpleName(), e);
        }
    }

    /**
     * The exception for a non-2xx answer. {@code detail} is the provider's own error text.
     * {@code defaultWait} is used for a 429 that names no wait.
     */
    public static ProviderException forStatus(String what, int status, String detail, Duration retryAfter, Duration defaultWait) {
        String message = what + ": HTTP " + status + (detail == null || detail.isBlank() ? "" : " " + detail);
        if (status == 429) {
            return ProviderException.rateLimited(message, retryAfter != null ? retryAfter : defaultWait);
        }
        if (status == 401 || status == 403) {
            return ProviderException.auth(message);
        }
        if (status >= 500) {
            return ProviderException.transientFailure(message, null);
        }
        return ProviderException.rejected(message);
    }

    /** Parses {@code Retry-After}: delta-seconds or an HTTP date; null if absent or unreadable. */
    public static Duration retryAfter(Response response, Clock clock) {
        String v = response.getHeaderString("Retry-After");
        if (v == null || v.isBlank()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            try {
                ZonedDateTime at = ZonedDateTime.parse(v.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(clock.instant(), at.toInstant());
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }
}
