package dev.baton.common.wire;

import java.time.Instant;
import java.util.Map;

/** Coordinator {@code GET /api/v1/status}: the minimum DESIGN.md section 6 promises. */
public record CoordinatorStatus(
        FailoverState state,
        String activeSite,
        long epoch,
        boolean frozen,
        String frozenReason,
        Instant frozenUntil,
        Instant cooldownUntil,
        int failoversLast24h,
        Instant lastFailover,
        Instant lastFailback,
        String currentOperation,
        Map<String, ObserverSummary> observers,
        Map<String, SiteLink> sites) {

    public CoordinatorStatus {
        observers = observers == null ? Map.of() : Map.copyOf(observers);
        sites = sites == null ? Map.of() : Map.copyOf(sites);
    }
}
