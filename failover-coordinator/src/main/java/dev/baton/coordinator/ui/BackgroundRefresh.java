package dev.baton.coordinator.ui;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks another service on a worker thread, at most once per period and never twice at once, so the page
 * and its stream only ever read the last answer: a slow or absent service can make the page stale, never slow.
 */
public final class BackgroundRefresh {
    private final Duration period;
    private final Clock clock;
    private final Runnable work;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Instant askedAt;

    public BackgroundRefresh(Duration period, Clock clock, Runnable work) {
        this.period = period;
        this.clock = clock;
        this.work = work;
    }

    /** Starts a refresh when the last one is older than the period, or at once when {@code urgent}; returns at once. */
    public void poke(Instant now, boolean urgent) {
        Instant asked = askedAt;
        boolean due = urgent || asked == null || Duration.between(asked, now).compareTo(period) >= 0;
        if (due && running.compareAndSet(false, true)) {
            askedAt = now;
            Infrastructure.getDefaultWorkerPool().execute(() -> {
                try {
                    work.run();
                } finally {
                    askedAt = clock.instant();
                    running.set(false);
                }
            });
        }
    }
}
