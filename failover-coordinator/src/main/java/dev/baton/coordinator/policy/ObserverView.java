package dev.baton.coordinator.policy;

import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.HealthStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The latest report of one observer: when it was made and each site's status with the time it began. */
public record ObserverView(String observer, Instant observedAt, Map<String, SiteView> sites) {

    public ObserverView {
        sites = Map.copyOf(sites);
    }

    public HealthStatus statusOf(String site) {
        SiteView v = sites.get(site);
        return v == null ? HealthStatus.UNKNOWN : v.status();
    }

    /**
     * Whether {@code site} could take over: its status with the checks matching {@code ignore} left out
     * (typically the engine checks: a standby's engine is stopped on purpose). Without a pattern, or
     * without per-check detail, this is the site's status.
     */
    public HealthStatus readinessOf(String site, Pattern ignore) {
        SiteView v = sites.get(site);
        if (v == null) {
            return HealthStatus.UNKNOWN;
        }
        if (ignore == null || v.checks().isEmpty()) {
            return v.status();
        }
        List<HealthStatus> counted = v.checks().entrySet().stream()
                .filter(c -> !ignore.matcher(c.getKey()).matches()).map(Map.Entry::getValue).toList();
        if (counted.isEmpty()) {
            return v.status();
        }
        if (counted.contains(HealthStatus.DOWN)) {
            return HealthStatus.DOWN;
        }
        return counted.stream().allMatch(HealthStatus.UP::equals) ? HealthStatus.UP : HealthStatus.UNKNOWN;
    }

    /**
     * One site's status as this observer sees it, since when (never null: the coordinator fills it in),
     * each check's status by name, and the checks as reported (latency, last error) for the status page.
     */
    public record SiteView(HealthStatus status, Instant since, Map<String, HealthStatus> checks, List<CheckResult> reported) {
        public SiteView {
            checks = checks == null ? Map.of() : Map.copyOf(checks);
            reported = reported == null ? List.of() : List.copyOf(reported);
        }

        public SiteView(HealthStatus status, Instant since, Map<String, HealthStatus> checks) {
            this(status, since, checks, List.of());
        }

        public SiteView(HealthStatus status, Instant since) {
            this(status, since, Map.of());
        }
    }
}
