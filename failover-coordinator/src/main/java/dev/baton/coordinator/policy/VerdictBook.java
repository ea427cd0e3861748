package dev.baton.coordinator.policy;

import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest report of each observer. Observers re-send on every change and as a heartbeat, so this
 * lives in memory: after a restart the first heartbeats refill it (and the confirmation time restarts,
 * which errs on the side of not failing over). A site's {@code since} is the observer's own when given,
 * else the first report in which the coordinator saw that status.
 */
@ApplicationScoped
public class VerdictBook {
    private final Map<String, ObserverView> latest = new ConcurrentHashMap<>();
    private final Clock clock;

    public VerdictBook(Clock clock) {
        this.clock = clock;
    }

    /**
     * Records a report; an older report than the one held is ignored (reordered delivery). A report
     * stamped in the future (an observer's clock running ahead) counts as made now, so a skewed clock
     * cannot keep a silent observer looking fresh.
     */
    public void record(VerdictReport report) {
        Instant now = clock.instant();
        Instant observedAt = report.observedAt().isAfter(now) ? now : report.observedAt();
        latest.compute(report.observer(), (name, previous) -> {
            if (previous != null && previous.observedAt().isAfter(observedAt)) {
                return previous;
            }
            if (previous != null && saysTheSame(previous, report)) {
                // a heartbeat that repeats the last report: only its time moves (a replay of a month is mostly these)
                return new ObserverView(name, observedAt, previous.sites());
            }
            Map<String, ObserverView.SiteView> sites = new HashMap<>();
            report.sites().forEach((site, verdict) -> sites.put(site, view(previous, site, verdict, observedAt)));
            return new ObserverView(name, observedAt, sites);
        });
    }

    /** Whether {@code report} would give every site the view it has: same sites, statuses, since and checks. */
    private static boolean saysTheSame(ObserverView previous, VerdictReport report) {
        if (previous.sites().size() != report.sites().size()) {
            return false;
        }
        for (Map.Entry<String, SiteVerdict> e : report.sites().entrySet()) {
            ObserverView.SiteView before = previous.sites().get(e.getKey());
            SiteVerdict v = e.getValue();
            if (before == null || before.status() != v.status() || v.since() != null && !v.since().equals(before.since())
                    || !before.reported().equals(v.checks())) {
                return false;
            }
        }
        return true;
    }

    private static ObserverView.SiteView view(ObserverView previous, String site, SiteVerdict verdict, Instant observedAt) {
        Map<String, HealthStatus> checks = new HashMap<>();
        verdict.checks().forEach(c -> checks.put(c.name(), c.status()));
        if (verdict.since() != null) {
            return new ObserverView.SiteView(verdict.status(), verdict.since(), checks, verdict.checks());
        }
        ObserverView.SiteView before = previous == null ? null : previous.sites().get(site);
        Instant since = before != null && before.status() == verdict.status() ? before.since() : observedAt;
        return new ObserverView.SiteView(verdict.status(), since, checks, verdict.checks());
    }

    public Map<String, ObserverView> snapshot() {
        return Map.copyOf(latest);
    }

    public HealthStatus status(String observer, String site) {
        ObserverView v = latest.get(observer);
        return v == null ? HealthStatus.UNKNOWN : v.statusOf(site);
    }

    /** Forgets every report (tests, and an operator's reset after reconfiguring observers). */
    public void clear() {
        latest.clear();
    }
}
