package dev.baton.dns.provider;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs provider API calls with bounded, jittered retries and honours rate-limit windows. Hand-written
 * rather than SmallRye Fault Tolerance {@code @Retry} because the wait is dictated per response by the provider
 * (Retry-After, ratelimit-reset) and must hold back every later call of the same account, not just this one:
 * Cloudflare blocks all calls for 5 minutes once its limit is hit, so hammering only extends the outage.
 */
public final class ProviderCalls {
    private static final Logger LOG = Logger.getLogger(ProviderCalls.class);
    private static final Duration BASE_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

    private final String account;
    private final int maxRetries;
    private final Duration maxWait;
    private final Clock clock;
    private final Sleeper sleeper;
    private Instant blockedUntil = Instant.EPOCH;

    /** Pauses the calling (worker) thread; replaceable so unit tests need not wait. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    public ProviderCalls(String account, int maxRetries, Duration maxWait, Clock clock, Sleeper sleeper) {
        this.account = account;
        this.maxRetries = maxRetries;
        this.maxWait = maxWait;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    public static ProviderCalls of(String account, int maxRetries, Duration maxWait) {
        return new ProviderCalls(account, maxRetries, maxWait, Clock.systemUTC(), d -> Thread.sleep(d.toMillis()));
    }

    /** Runs {@code call}, retrying retryable failures up to the configured count. */
    public <T> T run(String what, Supplier<T> call) {
        for (int attempt = 0; ; attempt++) {
            awaitWindow(what);
            try {
                return call.get();
            } catch (ProviderException e) {
                if (e.retryAfter() != null) {
                    block(e.retryAfter());
                }
                boolean windowTooLong = e.retryAfter() != null && e.retryAfter().compareTo(maxWait) > 0;
                if (!e.retryable() || attempt >= maxRetries || windowTooLong) {
                    throw e;
                }
                Duration pause = e.retryAfter() != null ? Duration.ZERO : backoff(attempt);
                LOG.warnf("%s: %s failed (%s), retry %d of %d", account, what, e.getMessage(), attempt + 1, maxRetries);
                pause(pause);
            }
        }
    }

    /** Remembers a provider-imposed window; later calls wait for it or fail fast if it is too long. */
    public synchronized void block(Duration d) {
        Instant until = clock.instant().plus(d);
        if (until.isAfter(blockedUntil)) {
            blockedUntil = until;
        }
    }

    private void awaitWindow(String what) {
        Duration remaining;
        synchronized (this) {
            remaining = Duration.between(clock.instant(), blockedUntil);
        }
        if (remaining.isNegative() || remaining.isZero()) {
            return;
        }
        if (remaining.compareTo(maxWait) > 0) {
            throw ProviderException.rateLimited(account + " is rate limited by the provider for another "
                    + remaining.toSeconds() + " s; " + what + " not attempted", remaining);
        }
        pause(remaining);
    }

    private static Duration backoff(int attempt) {
        long cap = Math.min(MAX_BACKOFF.toMillis(), BASE_BACKOFF.toMillis() << Math.min(attempt, 10));
        // full jitter: concurrent callers spread out instead of retrying in lockstep
        return Duration.ofMillis(cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1));
    }

    private void pause(Duration d) {
        if (d.isZero()) {
            return;
        }
        try {
            sleeper.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderException.transientFailure("interrupted while waiting to retry", e);
        }
    }
}
