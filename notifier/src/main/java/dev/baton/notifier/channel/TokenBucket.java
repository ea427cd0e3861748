package dev.baton.notifier.channel;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/** A token bucket per key (per chat): {@code ratePerSecond} sends per second, bursts up to the same number. */
public final class TokenBucket {
    private final double ratePerNano;
    private final double capacity;
    private final LongSupplier nanoClock;
    private final Map<String, State> buckets = new HashMap<>();

    public TokenBucket(int ratePerSecond, LongSupplier nanoClock) {
        this.ratePerNano = ratePerSecond / 1e9;
        this.capacity = ratePerSecond;
        this.nanoClock = nanoClock;
    }

    /** Takes a token and returns zero, or takes nothing and returns how long until one is free. */
    public synchronized Duration tryAcquire(String key) {
        long now = nanoClock.getAsLong();
        State b = buckets.computeIfAbsent(key, k -> new State(capacity, now));
        b.tokens = Math.min(capacity, b.tokens + (now - b.refilledAt) * ratePerNano);
        b.refilledAt = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return Duration.ZERO;
        }
        return Duration.ofNanos((long) Math.ceil((1 - b.tokens) / ratePerNano));
    }

    private static final class State {
        double tokens;
        long refilledAt;

        State(double tokens, long refilledAt) {
            this.tokens = tokens;
            this.refilledAt = refilledAt;
        }
    }
}
