package dev.baton.healthchecker.verdict;

import dev.baton.common.wire.HealthStatus;
import java.util.Collection;

/** A site's status from its critical checks. */
public final class SiteStatus {

    private SiteStatus() {
    }

    /**
     * DOWN when any critical check is DOWN, UP when every critical check is UP, otherwise UNKNOWN
     * (including a site with no critical checks: nothing vouches for it).
     */
    public static HealthStatus of(Collection<HealthStatus> criticalChecks) {
        if (criticalChecks.isEmpty()) {
            return HealthStatus.UNKNOWN;
        }
        if (criticalChecks.contains(HealthStatus.DOWN)) {
            return HealthStatus.DOWN;
        }
        return criticalChecks.stream().allMatch(s -> s == HealthStatus.UP) ? HealthStatus.UP : HealthStatus.UNKNOWN;
    }
}
