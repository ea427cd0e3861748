package dev.baton.healthchecker.verdict;

import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import dev.baton.healthchecker.config.CheckCatalog;
import dev.baton.healthchecker.config.HealthCheckerConfig;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.probe.ProbeOutcome;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.Cancellable;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * This observer's current view: the state of every check and the status of every site. Probe results
 * come in from many threads; each is applied under one lock, so verdict changes are published in the
 * order they happened. Only a change of a check's or a site's status is a change worth publishing.
 */
@ApplicationScoped
public class VerdictBook {
    private final String observer;
    private final Clock clock;
    private final List<CheckDefinition> checks;
    private final Map<String, CheckDefinition> byName = new LinkedHashMap<>();
    private final Map<String, CheckState> states = new LinkedHashMap<>();
    private final Map<String, SiteState> sites = new LinkedHashMap<>();
    private final BroadcastProcessor<VerdictReport> changes = BroadcastProcessor.create();

    /** A site's status and when it last changed. */
    public record SiteState(HealthStatus status, Instant since) {
    }

    /** What applying one outcome did. */
    public record Applied(CheckState before, CheckState after, boolean siteChanged) {
        public boolean checkChanged() {
            return after.isTransitionFrom(before);
        }
    }

    @Inject
    public VerdictBook(HealthCheckerConfig config, CheckCatalog catalog) {
        this(config.observer(), catalog.checks(), Clock.systemUTC());
    }

    public VerdictBook(String observer, List<CheckDefinition> checks, Clock clock) {
        this.observer = observer;
        this.clock = clock;
        this.checks = List.copyOf(checks);
        Instant now = clock.instant();
        for (CheckDefinition c : checks) {
            byName.put(c.name(), c);
            states.put(c.name(), CheckState.initial(now));
            sites.putIfAbsent(c.site(), new SiteState(HealthStatus.UNKNOWN, now));
        }
    }

    public List<CheckDefinition> checks() {
        return checks;
    }

    /** Applies one probe outcome; publishes the new report if a check or its site changed status. */
    public Applied record(CheckDefinition check, ProbeOutcome outcome) {
        synchronized (this) {
            Instant now = clock.instant();
            CheckState before = states.get(check.name());
            CheckState after = before.next(outcome, check.failureThreshold(), check.successThreshold(), now);
            states.put(check.name(), after);
            boolean siteChanged = false;
            if (after.isTransitionFrom(before)) {
                HealthStatus site = siteStatus(check.site());
                if (site != sites.get(check.site()).status()) {
                    sites.put(check.site(), new SiteState(site, now));
                    siteChanged = true;
                }
                changes.onNext(reportAt(now));
            }
            return new Applied(before, after, siteChanged);
        }
    }

    public synchronized CheckState state(String checkName) {
        return states.get(checkName);
    }

    public synchronized SiteState site(String site) {
        return sites.get(site);
    }

    public synchronized Map<String, SiteState> sites() {
        return Map.copyOf(sites);
    }

    public synchronized VerdictReport report() {
        return reportAt(clock.instant());
    }

    /** Every change of verdict, as the full report after it. Hot: subscribers see changes from when they subscribe. */
    public Multi<VerdictReport> changes() {
        return changes;
    }

    /**
     * The current report, then every change after it, with no gap and no duplicate between the two
     * (the snapshot and the subscription happen under the lock that orders changes).
     */
    public Multi<VerdictReport> currentAndChanges() {
        return Multi.createFrom().emitter(emitter -> {
            synchronized (this) {
                emitter.emit(reportAt(clock.instant()));
                Cancellable subscription = changes.subscribe().with(emitter::emit, emitter::fail, emitter::complete);
                emitter.onTermination(subscription::cancel);
            }
        });
    }

    private HealthStatus siteStatus(String site) {
        List<HealthStatus> critical = new ArrayList<>();
        for (CheckDefinition c : checks) {
            if (c.critical() && c.site().equals(site)) {
                critical.add(states.get(c.name()).status());
            }
        }
        return SiteStatus.of(critical);
    }

    private VerdictReport reportAt(Instant now) {
        Map<String, List<CheckResult>> perSite = new LinkedHashMap<>();
        for (CheckDefinition c : checks) {
            CheckState s = states.get(c.name());
            perSite.computeIfAbsent(c.site(), k -> new ArrayList<>()).add(new CheckResult(c.name(), c.type().wireName(),
                    c.displayTarget(), s.status(), s.consecutiveFailures(), s.consecutiveSuccesses(), s.latencyMs(),
                    s.lastError(), s.checkedAt()));
        }
        Map<String, SiteVerdict> verdicts = new LinkedHashMap<>();
        sites.forEach((site, state) -> verdicts.put(site, new SiteVerdict(state.status(), state.since(), perSite.get(site))));
        return new VerdictReport(observer, now, verdicts);
    }
}
