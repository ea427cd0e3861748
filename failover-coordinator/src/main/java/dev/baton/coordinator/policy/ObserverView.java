package dev.baton.coordinator.policy;

import dev.baton.common.wire.HealthStatus;
import java.time.Instant;
import java.util.Map;

/** The latest report of one observer: when it was made and each site's status with the time it began. */
public record ObserverView(String observer, Instant observedAt, Map<String, SiteView> sites) {

    public ObserverView {
        sites = Map.copyOf(sites);
    }

    public HealthStatus statusOf(String site) {
        SiteView v = sites.get(site);
        return v == null ? HealthStatus.UNKNOWN : v.status();
    }

    /** One site's status as this observer sees it, and since when (never null: the coordinator fills it in). */
    public record SiteView(HealthStatus status, Instant since) {
    }
}
