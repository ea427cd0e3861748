package dev.baton.coordinator.store;

import java.time.Instant;
import java.util.UUID;

/** One line of history: operations started and finished, refused decisions, freezes, split-brain fences. */
public record HistoryEntry(long id, Instant at, String kind, UUID operationId, String summary) {
}
