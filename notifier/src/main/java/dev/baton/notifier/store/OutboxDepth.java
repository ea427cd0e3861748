package dev.baton.notifier.store;

import java.time.Instant;
import java.util.Optional;

/** Undelivered deliveries and the creation time of the oldest. */
public record OutboxDepth(long pending, Optional<Instant> oldest) {
}
