package dev.baton.healthchecker.schedule;

import dev.baton.healthchecker.config.HealthCheckerConfig;
import dev.baton.healthchecker.metrics.ProbeMetrics;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.probe.CheckType;
import dev.baton.healthchecker.probe.Probe;
import dev.baton.healthchecker.probe.ProbeOutcome;
import dev.baton.healthchecker.verdict.VerdictBook;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Fires every check at its interval from one timer thread. Each check's first run is placed at a
 * random point of its interval (jitter), then it runs at a fixed rate so checks never drift into
 * bursts. The timer thread only dispatches: non-blocking probes go to the Vert.x event loop, blocking
 * ones to a bounded worker pool. A check whose previous probe is still running is skipped for that
 * tick (and counted), so a hung target costs its own timeout and nothing else.
 */
@ApplicationScoped
public class ProbeScheduler {
    private static final Logger LOG = Logger.getLogger(ProbeScheduler.class);
    /** Extra time past a check's timeout after which the scheduler gives up on a probe that did not answer. */
    static final Duration GRACE = Duration.ofSeconds(1);

    private final VerdictBook book;
    private final ProbeMetrics metrics;
    private final HealthCheckerConfig.Scheduler config;
    private final Map<CheckType, Probe> probes = new EnumMap<>(CheckType.class);
    private ScheduledExecutorService timer;
    private ExecutorService blocking;
    private volatile boolean running;

    public ProbeScheduler(VerdictBook book, ProbeMetrics metrics, HealthCheckerConfig config, Instance<Probe> probes) {
        this.book = book;
        this.metrics = metrics;
        this.config = config.scheduler();
        probes.forEach(p -> this.probes.put(p.type(), p));
    }

    void onStart(@Observes StartupEvent event) {
        start();
    }

    void onStop(@Observes ShutdownEvent event) {
        stop();
    }

    synchronized void start() {
        if (running) {
            return;
        }
        metrics.bind(book);
        timer = Executors.newSingleThreadScheduledExecutor(threads("baton-probe-timer"));
        blocking = Executors.newFixedThreadPool(config.blockingThreads(), threads("baton-probe-blocking"));
        long now = System.nanoTime();
        for (CheckDefinition check : book.checks()) {
            long interval = check.interval().toNanos();
            long first = config.jitter() ? ThreadLocalRandom.current().nextLong(interval) : 0;
            Slot slot = new Slot(check, now + first);
            timer.schedule(slot::tick, first, TimeUnit.NANOSECONDS);
        }
        running = true;
        book.sites().keySet().stream()
                .filter(site -> book.checks().stream().noneMatch(c -> c.critical() && c.site().equals(site)))
                .forEach(site -> LOG.warnf("site %s has no critical check: its verdict stays UNKNOWN", site));
        LOG.infof("probing %d checks of %d sites", book.checks().size(), book.sites().size());
    }

    synchronized void stop() {
        running = false;
        if (timer != null) {
            timer.shutdownNow();
            blocking.shutdownNow();
        }
    }

    public boolean running() {
        return running;
    }

    /** One check's place in the schedule. */
    private final class Slot {
        private final CheckDefinition check;
        private final Probe probe;
        private final long interval;
        private final AtomicBoolean inFlight = new AtomicBoolean();
        private long planned;

        Slot(CheckDefinition check, long planned) {
            this.check = check;
            this.probe = probes.get(check.type());
            this.interval = check.interval().toNanos();
            this.planned = planned;
        }

        void tick() {
            long now = System.nanoTime();
            metrics.schedulingLag(now - planned);
            if (inFlight.compareAndSet(false, true)) {
                dispatch();
            } else {
                metrics.skipped(check);
            }
            planned += interval;
            if (planned < now) {
                // far behind (e.g. the process was paused): skip the missed runs instead of firing them in a burst
                planned = now + interval - ((now - planned) % interval);
            }
            if (running) {
                try {
                    timer.schedule(this::tick, planned - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // shutting down
                }
            }
        }

        private void dispatch() {
            CompletableFuture<ProbeOutcome> outcome;
            try {
                outcome = check.type().blocking()
                        ? CompletableFuture.supplyAsync(() -> probe.probe(check).toCompletableFuture().join(), blocking)
                        : probe.probe(check).toCompletableFuture();
            } catch (RuntimeException e) {
                outcome = CompletableFuture.failedFuture(e);
            }
            long giveUp = check.timeout().plus(GRACE).toMillis();
            outcome.copy()
                    .completeOnTimeout(ProbeOutcome.down(check.timeout(), "probe did not finish within " + giveUp + " ms"),
                            giveUp, TimeUnit.MILLISECONDS)
                    .whenComplete((result, error) -> {
                        ProbeOutcome o = error == null ? result
                                : ProbeOutcome.down(null, "probe failed: " + error.getClass().getSimpleName());
                        VerdictBook.Applied applied = book.record(check, o);
                        metrics.probed(check, o, applied.before(), applied.after());
                        if (applied.checkChanged()) {
                            LOG.infof("check %s (site %s) is %s%s", check.name(), check.site(), applied.after().status(),
                                    o.message() == null ? "" : ": " + o.message());
                        }
                        inFlight.set(false);
                    });
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
