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
        Double rpoSeconds) {

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
