package dev.baton.common.wire;

import java.time.Instant;
import java.util.Map;

/**
 * Coordinator {@code GET /api/v1/status}: the minimum DESIGN.md section 6 promises, and the database replica's lag
 * ({@code database}, null when the sites have no databases configured).
 */
public record CoordinatorStatus(
        FailoverState state,
        String activeSite,
        long epoch,
        long term,
        boolean frozen,
        String frozenReason,
        Instant frozenUntil,
        Instant cooldownUntil,
        int failoversLast24h,
        Instant lastFailover,
        Instant lastFailback,
        String currentOperation,
        Map<String, ObserverSummary> observers,
        Map<String, SiteLink> sites,
        Decider decider,
        DatabaseReplica database) {

    /**
     * The decision store as this instance sees it: {@code postgres} or {@code zookeeper}, whether it has a quorum
     * (a connected session; for PostgreSQL, the database answered), the current leader, and in words what is
     * wrong ("no quorum: 1 of 3 servers reachable (127.0.0.1:2181)") or null.
     */
    public record Decider(String store, boolean quorum, String leader, String detail) {
    }

    public CoordinatorStatus {
        observers = observers == null ? Map.of() : Map.copyOf(observers);
        sites = sites == null ? Map.of() : Map.copyOf(sites);
    }
}
