package dev.baton.notifier.outbox;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.channel.Channel;
import dev.baton.notifier.channel.ChannelRegistry;
import dev.baton.notifier.channel.DeliveryResult;
import dev.baton.notifier.channel.Notification;
import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import dev.baton.notifier.pipeline.Backoff;
import dev.baton.notifier.pipeline.Escalation;
import dev.baton.notifier.pipeline.Grouping;
import dev.baton.notifier.store.ClaimedDelivery;
import dev.baton.notifier.store.OutboxStore;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Delivers the outbox. One drain thread claims due deliveries (with a lease), groups them, and hands each group
 * to a sender thread; the result is written back before the next claim: delivered, rescheduled with backoff and
 * jitter (or the channel's retry_after), or dead-lettered (permanent error, or older than max-age). A delivery is
 * marked delivered only after its channel accepted it, and a worker that dies holding a lease loses it when the
 * lease expires, so a restarted notifier sends what was unfinished and nothing a channel already accepted.
 * Woken by the scheduler every poll-interval and at once (or after group-wait) by each accepted alert.
 */
@ApplicationScoped
public class OutboxWorker {
    private static final Logger LOG = Logger.getLogger(OutboxWorker.class);
    private static final int MAX_ROUNDS_PER_DRAIN = 50;
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(30);

    private final OutboxStore store;
    private final ChannelRegistry channels;
    private final NotifierMetrics metrics;
    private final Clock clock;
    private final NotifierConfig config;
    private final Backoff backoff;
    private final ScheduledExecutorService drainer;
    private final ExecutorService senders;
    private final AtomicBoolean drainQueued = new AtomicBoolean();
    private final AtomicBoolean escalated = new AtomicBoolean();
    private final Map<String, AtomicInteger> consecutiveFailures = new ConcurrentHashMap<>();

    public OutboxWorker(NotifierConfig config, OutboxStore store, ChannelRegistry channels, NotifierMetrics metrics, Clock clock) {
        this.config = config;
        this.store = store;
        this.channels = channels;
        this.metrics = metrics;
        this.clock = clock;
        NotifierConfig.Outbox o = config.outbox();
        this.backoff = new Backoff(o.initialBackoff(), o.maxBackoff(), o.jitter());
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "notifier-outbox"));
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(o.senders(), r -> daemon(r, "notifier-send-" + n.incrementAndGet()));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Scheduled(every = "${baton.notifier.outbox.poll-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void poll() {
        wake();
    }

    /** Asks for a drain soon; calls coalesce while one is queued. */
    public void wake() {
        if (drainQueued.compareAndSet(false, true)) {
            submit(() -> {
                drainQueued.set(false);
                drain();
            }, Duration.ZERO);
        }
    }

    /** Asks for a drain after {@code delay} (the group wait of an alert just accepted). */
    public void wakeAfter(Duration delay) {
        if (delay.isZero() || delay.isNegative()) {
            wake();
        } else {
            submit(this::wake, delay);
        }
    }

    private void submit(Runnable task, Duration delay) {
        try {
            drainer.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the next start picks the outbox up
        }
    }

    /** Delivers everything due now. Returns how many deliveries were attempted. Runs on the drain thread (or a test). */
    public int drain() {
        int attempted = 0;
        try {
            for (int round = 0; round < MAX_ROUNDS_PER_DRAIN; round++) {
                Instant now = clock.instant();
                List<ClaimedDelivery> claimed = store.claim(now, now.plus(config.outbox().lease()), config.outbox().batchSize())
                        .await().atMost(DB_TIMEOUT);
                if (claimed.isEmpty()) {
                    break;
                }
                attempted += claimed.size();
                Map<String, List<ClaimedDelivery>> groups = new LinkedHashMap<>();
                claimed.forEach(c -> groups.computeIfAbsent(c.groupKey(), k -> new ArrayList<>()).add(c));
                List<Callable<Void>> work = new ArrayList<>();
                groups.values().forEach(g -> work.add(() -> {
                    deliver(g);
                    return null;
                }));
                for (Future<Void> f : senders.invokeAll(work)) {
                    f.get();
                }
                if (claimed.size() < config.outbox().batchSize() && !escalated.getAndSet(false)) {
                    break; // nothing more due now (an escalation just added due rows: go round once more)
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | RuntimeException e) {
            // The database is away: leases expire and the next drain (or a restarted notifier) picks the rows up.
            if (drainer.isShutdown()) {
                LOG.debugf("outbox drain stopped by shutdown: %s", rootMessage(e));
            } else {
                LOG.warnf("outbox drain stopped: %s", rootMessage(e));
            }
        }
        refreshDepth();
        return attempted;
    }

    private void refreshDepth() {
        try {
            metrics.depth(store.depth().await().atMost(DB_TIMEOUT), clock.instant());
        } catch (RuntimeException e) {
            LOG.debugf("outbox depth not refreshed: %s", rootMessage(e));
        }
    }

    private void deliver(List<ClaimedDelivery> group) {
        String name = group.get(0).channel();
        List<Long> ids = group.stream().map(ClaimedDelivery::id).toList();
        Optional<Channel> channel = channels.get(name);
        if (channel.isEmpty()) {
            store.deadLetter(ids, "channel '" + name + "' is not configured").await().atMost(DB_TIMEOUT);
            metrics.outcome(name, "dead", ids.size());
            return;
        }
        Notification whole = new Notification(group.stream().map(ClaimedDelivery::alert).toList());
        List<Notification> parts;
        try {
            parts = channel.get().split(whole);
        } catch (RuntimeException e) {
            parts = List.of(whole);
        }
        if (parts.size() == 1) {
            deliverPart(name, channel.get(), parts.get(0), group);
            return;
        }
        // a group too large for one message: each part is its own delivery (sent, retried, marked on its own), so no
        // alert is cut off by the channel's size limit and a failed part never re-sends the parts that arrived
        Map<Alert, ClaimedDelivery> rows = new java.util.IdentityHashMap<>();
        group.forEach(c -> rows.put(c.alert(), c));
        for (Notification part : parts) {
            deliverPart(name, channel.get(), part, part.alerts().stream().map(rows::get).toList());
        }
    }

    private void deliverPart(String name, Channel channel, Notification notification, List<ClaimedDelivery> group) {
        List<Long> ids = group.stream().map(ClaimedDelivery::id).toList();
        DeliveryResult result;
        try {
            result = channel.send(notification);
        } catch (RuntimeException e) {
            result = DeliveryResult.retry(name + " failed: " + e.getClass().getSimpleName());
        }
        Instant now = clock.instant();
        if (result instanceof DeliveryResult.Accepted) {
            store.markDelivered(ids, now).await().atMost(DB_TIMEOUT);
            consecutiveFailures.computeIfAbsent(name, k -> new AtomicInteger()).set(0);
            metrics.outcome(name, "delivered", ids.size());
            group.forEach(c -> metrics.latency(name, Duration.between(c.alert().receivedAt(), now)));
        } else if (result instanceof DeliveryResult.Throttled t) {
            store.reschedule(ids, now.plus(t.after()), "throttled by the per-chat rate limit", false).await().atMost(DB_TIMEOUT);
            metrics.outcome(name, "throttled", ids.size());
        } else if (result instanceof DeliveryResult.Retry r) {
            Instant oldest = group.stream().map(ClaimedDelivery::createdAt).min(Comparator.naturalOrder()).orElse(now);
            if (!Duration.between(oldest, now).minus(config.outbox().maxAge()).isNegative()) {
                String reason = "undelivered after " + config.outbox().maxAge() + ": " + r.error();
                store.deadLetter(ids, reason).await().atMost(DB_TIMEOUT);
                metrics.outcome(name, "dead", ids.size());
                LOG.warnf("channel %s: dead-lettered %d deliveries: %s", name, ids.size(), reason);
            } else {
                int attempts = group.stream().mapToInt(ClaimedDelivery::attempts).max().orElse(1);
                Duration delay = r.after().orElseGet(() -> backoff.delay(attempts, ThreadLocalRandom.current().nextDouble()));
                store.reschedule(ids, now.plus(delay), r.error(), true).await().atMost(DB_TIMEOUT);
                metrics.outcome(name, "retried", ids.size());
                LOG.infof("channel %s: attempt %d failed (%s); next in %s", name, attempts, r.error(), delay);
            }
            failed(name, group, now);
        } else if (result instanceof DeliveryResult.Permanent p) {
            store.deadLetter(ids, p.error()).await().atMost(DB_TIMEOUT);
            metrics.outcome(name, "dead", ids.size());
            LOG.warnf("channel %s: dead-lettered %d deliveries: %s", name, ids.size(), p.error());
            failed(name, group, now);
        }
    }

    /** Counts a failure in a row and hands CRITICAL alerts to the fallback channel once the threshold is reached. */
    private void failed(String name, List<ClaimedDelivery> group, Instant now) {
        int inARow = consecutiveFailures.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        NotifierConfig.ChannelConfig c = config.channels().get(name);
        if (c == null) {
            return;
        }
        Optional<String> fallback = Escalation.fallbackFor(Severity.CRITICAL, inARow, c.escalateAfter(), c.fallback());
        if (fallback.isEmpty()) {
            return;
        }
        Map<Long, String> groupKeys = new LinkedHashMap<>();
        group.stream()
                .filter(d -> Escalation.fallbackFor(d.alert().severity(), inARow, c.escalateAfter(), c.fallback()).isPresent())
                .forEach(d -> groupKeys.put(d.alertId(), Grouping.key(fallback.get(), d.alert(), config.pipeline().groupBy())));
        if (groupKeys.isEmpty()) {
            return;
        }
        int added = store.escalate(new ArrayList<>(groupKeys.keySet()), fallback.get(), name, groupKeys, now).await().atMost(DB_TIMEOUT);
        if (added > 0) {
            metrics.outcome(name, "escalated", added);
            LOG.warnf("channel %s failed %d times in a row: %d critical alerts escalated to %s", name, inARow, added, fallback.get());
            escalated.set(true);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    @PreDestroy
    public void stop() {
        drainer.shutdownNow();
        senders.shutdownNow();
    }
}
