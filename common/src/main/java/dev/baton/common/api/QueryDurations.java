package dev.baton.common.api;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.Optional;

/**
 * A duration in a query parameter, in the forms configuration takes everywhere in Baton: {@code 5s}, {@code 500ms},
 * {@code 2m}, {@code 1h}, {@code PT5S}, or bare seconds ({@code 30}). Anything else, or a negative duration, is the
 * caller's mistake: an {@link IllegalArgumentException} whose message names the parameter and the accepted forms
 * (for a 400), never a 500.
 */
public final class QueryDurations {
    private QueryDurations() {
    }

    /** Empty when {@code value} is absent or blank. */
    public static Optional<Duration> parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        Duration d;
        try {
            d = DurationConverter.parseDuration(value.trim());
        } catch (RuntimeException e) {
            d = null;
        }
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be a duration: seconds (30), with a unit (500ms, 5s, 2m, 1h) "
                    + "or ISO-8601 (PT30S); was '" + truncate(value.trim()) + "'");
        }
        return Optional.of(d);
    }

    private static String truncate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
