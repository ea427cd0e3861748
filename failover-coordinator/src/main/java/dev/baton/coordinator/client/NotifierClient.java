package dev.baton.coordinator.client;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Severity;
import dev.baton.coordinator.config.CoordinatorConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Sends alerts to the notifier, which answers 202 once the alert is durable. An alert the notifier did not accept
 * ({@link #trySend}: it was down, or answered 5xx, 408 or 429) is kept and sent again every few seconds until it is
 * accepted (one it refuses with another 4xx is logged as an error and not kept: it would be refused again), marked
 * as delayed: the notifier's outbox protects only what it has accepted, and an operation that ended DEGRADED while
 * the notifier was down must still page. Kept in this instance's memory (at most {@value #MAX_PENDING}, the oldest
 * dropped first, with a log line); {@code baton_coordinator_alerts_pending} counts them.
 */
@ApplicationScoped
public class NotifierClient {
    private static final Logger LOG = Logger.getLogger(NotifierClient.class);
    static final int MAX_PENDING = 100;
    /** {@link AlertRequest#message()}'s limit. */
    private static final int MAX_MESSAGE = 10_000;
    private final NotifierApi api;
    private final String authorization;
    private final Clock clock;
    private final Deque<Pending> pending = new ArrayDeque<>();

    /** An alert the notifier has not accepted yet, since {@code firstTried}. */
    private record Pending(AlertRequest alert, Instant firstTried, String lastFailure) {
    }

    NotifierClient(@RestClient NotifierApi api, CoordinatorConfig config, Clock clock, MeterRegistry registry) {
        this.api = api;
        this.authorization = config.clients().notifier().token().map(t -> "Bearer " + t).orElse(null);
        this.clock = clock;
        Gauge.builder("baton.coordinator.alerts.pending", this, NotifierClient::pendingCount)
                .description("Alerts the notifier has not accepted yet; sent again until it does").register(registry);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 300, abortOn = ServiceCallFailed.Refused.class)
    public void send(AlertRequest alert) {
        try (Response r = api.alert(authorization, alert)) {
            if (r.getStatus() / 100 != 2) {
                throw new ServiceCallFailed("notifier answered " + r.getStatus(), false, null);
            }
        } catch (ServiceCallFailed e) {
            throw e;
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("notifier", e);
        }
    }

    /**
     * For alerts that must never stop an operation: failures are logged, not thrown, and the alert is kept and sent
     * again until the notifier accepts it ({@link #retryPending}).
     */
    public boolean trySend(Severity severity, String title, String message, String dedupKey, Map<String, String> labels) {
        AlertRequest alert = new AlertRequest(severity, title, message, dedupKey, "failover-coordinator", labels, false);
        try {
            send(alert);
            return true;
        } catch (ServiceCallFailed.Refused e) {
            // a 4xx: this alert (or this coordinator's token) is wrong, and sending it again would not change that
            LOG.errorf("alert '%s' refused by the notifier: %s; not kept", title, e.getMessage());
            return false;
        } catch (RuntimeException e) {
            LOG.warnf("alert '%s' not accepted by the notifier: %s; kept, sent again until it is", title, e.getMessage());
            keep(new Pending(alert, clock.instant(), clip(e.getMessage())));
            return false;
        }
    }

    /** Alerts the notifier has not accepted yet. */
    public synchronized int pendingCount() {
        return pending.size();
    }

    /**
     * Sends the kept alerts again, oldest first, each marked as delayed since its first attempt; stops at the first
     * the notifier still does not accept (it is kept, in its place). One it refuses (4xx) is dropped with an error.
     */
    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public void retryPending() {
        Pending next;
        while ((next = first()) != null) {
            AlertRequest a = next.alert();
            String note = "(delayed: the notifier did not accept this alert at " + next.firstTried() + ": " + next.lastFailure() + ")";
            String message = a.message() == null ? note : a.message() + "\n\n" + note;
            AlertRequest delayed = new AlertRequest(a.severity(), a.title(), message.length() <= MAX_MESSAGE ? message
                    : message.substring(0, MAX_MESSAGE - note.length() - 2) + "\n\n" + note, a.dedupKey(), a.source(), a.labels(), a.resolved());
            try {
                send(delayed);
                LOG.infof("alert '%s' accepted by the notifier, %s after its first attempt", a.title(),
                        java.time.Duration.between(next.firstTried(), clock.instant()));
            } catch (ServiceCallFailed.Refused e) {
                // refused for good: dropped, so that it does not hold back the alerts after it
                LOG.errorf("kept alert '%s' refused by the notifier: %s; dropped", a.title(), e.getMessage());
            } catch (RuntimeException e) {
                LOG.debugf("kept alert '%s' still not accepted: %s", a.title(), e.getMessage());
                return;
            }
            synchronized (this) {
                pending.remove(next);
            }
        }
    }

    private static String clip(String failure) {
        return failure == null ? "no answer" : failure.length() <= 300 ? failure : failure.substring(0, 300) + "...";
    }

    private synchronized Pending first() {
        return pending.peekFirst();
    }

    private synchronized void keep(Pending p) {
        if (pending.size() >= MAX_PENDING) {
            Pending dropped = pending.pollFirst();
            LOG.errorf("alert '%s' dropped: %d alerts are waiting for the notifier already", dropped.alert().title(), MAX_PENDING);
        }
        pending.addLast(p);
    }
}
