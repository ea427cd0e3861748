package dev.baton.coordinator.store;

import java.time.Duration;
import java.time.Instant;

/**
 * How the broker let go of the fenced engine's session, journaled with the operation before the new site may
 * start: {@code by} what ({@link By}), from {@code fencedAt} (the fence confirmed: engine gone or power off) to
 * {@code releasedAt}, and the account in words.
 */
public record SessionRelease(By by, Instant fencedAt, Instant releasedAt, String detail) {

    public enum By {
        /** The old engine's clean logout was confirmed ({@code sites.<name>.logout-check}). */
        LOGOUT,
        /** The session check said the account has no live session. */
        SESSION_CHECK,
        /** The session linger passed since the fence (or since the session was last seen alive). */
        LINGER,
        /** Linger 0 with {@code takeover-allowed}: the broker hands a dead session over cleanly. */
        TAKEOVER;

        /** {@code session-check}: as in the configuration and the API. */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }

        public static By parse(String label) {
            return valueOf(label.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** From the confirmed fence to the release. */
    public Duration waited() {
        return Duration.between(fencedAt, releasedAt);
    }
}
