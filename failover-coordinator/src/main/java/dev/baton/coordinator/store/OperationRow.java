package dev.baton.coordinator.store;

import dev.baton.common.wire.FailoverState;
import java.time.Instant;
import java.util.UUID;

/** One failover or failback, as journaled. */
public record OperationRow(
        UUID id,
        Kind kind,
        String trigger,
        String fromSite,
        String toSite,
        String reason,
        Status status,
        long epoch,
        FailoverState previousState,
        String decision,
        Instant startedAt,
        Instant finishedAt,
        String detail,
        Double rpoSeconds,
        SessionRelease sessionRelease) {

    /** An operation whose fence has not released a broker session yet. */
    public OperationRow(UUID id, Kind kind, String trigger, String fromSite, String toSite, String reason, Status status, long epoch,
            FailoverState previousState, String decision, Instant startedAt, Instant finishedAt, String detail, Double rpoSeconds) {
        this(id, kind, trigger, fromSite, toSite, reason, status, epoch, previousState, decision, startedAt, finishedAt, detail, rpoSeconds,
                null);
    }

    public enum Kind {
        FAILOVER,
        FAILBACK
    }

    public enum Status {
        RUNNING,
        SUCCEEDED,
        /** Stopped before anything irreversible, or vetoed: the previous state stands. */
        ABORTED,
        VETOED,
        /** Stopped after the old site was touched: DEGRADED, an operator must act. */
        FAILED,
        NEEDS_OPERATOR
    }
}
