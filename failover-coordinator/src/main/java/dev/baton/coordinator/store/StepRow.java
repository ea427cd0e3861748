package dev.baton.coordinator.store;

import java.time.Instant;

/** One journaled runbook step. */
public record StepRow(int index, String name, String type, Status status, int attempts, Instant startedAt,
        Instant finishedAt, String detail) {

    public enum Status {
        PENDING,
        RUNNING,
        SUCCEEDED,
        FAILED,
        SKIPPED
    }
}
