package dev.baton.notifier.outbox;

import dev.baton.notifier.pipeline.Disposition;
import dev.baton.notifier.store.OutboxDepth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The notifier's meters. Tags are channel names (from configuration), outcomes and dispositions: all bounded,
 * none secret.
 * <ul>
 * <li>{@code baton_notifier_alerts_total{disposition}} — accepted alerts by what was decided</li>
 * <li>{@code baton_notifier_notifications_total{channel,outcome}} — sends: delivered, retried, throttled, dead, escalated</li>
 * <li>{@code baton_notifier_delivery_latency_seconds{channel}} — from accept to the channel's acceptance</li>
 * <li>{@code baton_notifier_outbox_depth} — undelivered deliveries</li>
 * <li>{@code baton_notifier_outbox_oldest_undelivered_seconds} — age of the oldest of them</li>
 * </ul>
 */
@ApplicationScoped
public class NotifierMetrics {
    private final MeterRegistry registry;
    private final AtomicLong depth = new AtomicLong();
    private final AtomicLong oldestAgeMillis = new AtomicLong();

    public NotifierMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("baton.notifier.outbox.depth", depth, AtomicLong::get)
                .description("Deliveries not yet accepted by their channel")
                .register(registry);
        Gauge.builder("baton.notifier.outbox.oldest.undelivered", oldestAgeMillis, a -> a.get() / 1000.0)
                .baseUnit("seconds")
                .description("Age of the oldest undelivered delivery")
                .register(registry);
    }

    public void accepted(Disposition disposition) {
        Counter.builder("baton.notifier.alerts").tag("disposition", disposition.name().toLowerCase())
                .description("Accepted alerts by disposition").register(registry).increment();
    }

    public void outcome(String channel, String outcome, int count) {
        Counter.builder("baton.notifier.notifications").tag("channel", channel).tag("outcome", outcome)
                .description("Notifications by channel and outcome").register(registry).increment(count);
    }

    public void latency(String channel, Duration acceptToChannel) {
        Timer.builder("baton.notifier.delivery.latency").tag("channel", channel)
                .description("From accepting an alert to its channel accepting it")
                .publishPercentiles(0.5, 0.99)
                .register(registry).record(acceptToChannel);
    }

    public void depth(OutboxDepth d, Instant now) {
        depth.set(d.pending());
        oldestAgeMillis.set(d.oldest().map(o -> Math.max(0, Duration.between(o, now).toMillis())).orElse(0L));
    }
}
