package dev.baton.notifier.pipeline;

import java.time.Duration;

/** Exponential backoff with jitter: initial × 2^(attempt-1), capped, spread by ±jitter. */
public record Backoff(Duration initial, Duration max, double jitter) {

    /**
     * @param attempt the attempt that just failed, from 1
     * @param random  a value in [0, 1) — injected so the rule is testable
     */
    public Duration delay(int attempt, double random) {
        double base = initial.toMillis() * Math.pow(2, Math.min(Math.max(attempt, 1) - 1, 30));
        double capped = Math.min(base, max.toMillis());
        double spread = capped * jitter * (2 * random - 1);
        return Duration.ofMillis(Math.max(0, Math.round(capped + spread)));
    }
}
