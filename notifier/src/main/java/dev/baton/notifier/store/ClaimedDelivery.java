package dev.baton.notifier.store;

import dev.baton.notifier.pipeline.Alert;
import java.time.Instant;

/** A delivery row a worker holds a lease on, with its alert. */
public record ClaimedDelivery(long id, long alertId, String channel, String groupKey, int attempts, Instant createdAt, Alert alert) {
}
