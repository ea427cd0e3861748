package dev.baton.common.wire;

import java.time.Instant;
import java.util.Map;

/** What the coordinator last heard from one observer, and whether it still counts. */
public record ObserverSummary(
        Instant lastHeardAt,
        boolean stale,
        Map<String, HealthStatus> sites) {

    public ObserverSummary {
        sites = sites == null ? Map.of() : Map.copyOf(sites);
    }
}
