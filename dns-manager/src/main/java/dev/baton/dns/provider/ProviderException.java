package dev.baton.dns.provider;

import java.time.Duration;

/**
 * A provider refused or failed a call. The message is safe to show to a caller: it carries the provider's
 * own error text, never credentials.
 */
public class ProviderException extends RuntimeException {

    /** What kind of failure, which decides the HTTP status the API answers with. */
    public enum Kind {
        /** the provider rejected our credentials or permissions (answer 502) */
        AUTH,
        /** the provider limits our calls; {@link #retryAfter()} says for how long (answer 503) */
        RATE_LIMITED,
        /** the provider's data does not fit (zone missing, alias record, conflict) (answer 502) */
        REJECTED,
        /** network failure, timeout or 5xx after retries (answer 502) */
        UNAVAILABLE,
        /** the record is no longer what the change was computed from: someone else wrote it (answer 409, naming its value) */
        CONFLICT
    }

    private final Kind kind;
    private final transient Duration retryAfter;
    private final boolean retryable;

    public ProviderException(Kind kind, String message, Duration retryAfter, boolean retryable, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
        this.retryable = retryable;
    }

    public static ProviderException rateLimited(String message, Duration retryAfter) {
        return new ProviderException(Kind.RATE_LIMITED, message, retryAfter, true, null);
    }

    public static ProviderException transientFailure(String message, Throwable cause) {
        return new ProviderException(Kind.UNAVAILABLE, message, null, true, cause);
    }

    public static ProviderException rejected(String message) {
        return new ProviderException(Kind.REJECTED, message, null, false, null);
    }

    public static ProviderException conflict(String message) {
        return new ProviderException(Kind.CONFLICT, message, null, false, null);
    }

    public static ProviderException auth(String message) {
        return new ProviderException(Kind.AUTH, message, null, false, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The provider-imposed wait, or null when it named none. */
    public Duration retryAfter() {
        return retryAfter;
    }

    public boolean retryable() {
        return retryable;
    }
}
