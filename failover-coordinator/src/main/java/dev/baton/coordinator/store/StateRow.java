package dev.baton.coordinator.store;

import dev.baton.common.wire.FailoverState;
import java.time.Instant;
import java.util.UUID;

/** The single row of coordinator state. */
public record StateRow(
        FailoverState state,
        String activeSite,
        long epoch,
        boolean frozen,
        String frozenReason,
        Instant frozenUntil,
        UUID currentOperation,
        Instant lastFailover,
        Instant lastFailback,
        Instant lastOperationEnd,
        Instant remediatedAt,
        String lastDecision) {
}
