package dev.baton.coordinator.store;

import java.time.Instant;

/** One operator command. */
public record AuditEntry(Instant at, String action, String actor, String reason, String detail) {
}
