package dev.baton.coordinator.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.CoordinatorStatus;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.ObserverSummary;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.policy.ObserverView;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.Coordinator;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.store.HistoryEntry;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StoreUnavailable;
import dev.baton.coordinator.store.StepRow;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.TreeMap;

/** Reads the coordinator's state into a {@link Dashboard}. Blocking (database reads): call it on a worker thread. */
@ApplicationScoped
public class DashboardBuilder {
    /** How many finished operations the page and {@code baton status} list. */
    static final int RECENT = 5;
    /** A check's last error is shown up to this length: enough to tell "connection refused" from "HTTP 503". */
    private static final int MAX_ERROR = 160;

    private final Coordinator coordinator;
    private final CoordinatorStore store;
    private final VerdictBook verdicts;
    private final ObjectMapper json;
    private final Clock clock;
    private final SyncLag syncLag;
    private final DnsStatus dns;

    public DashboardBuilder(Coordinator coordinator, CoordinatorStore store, VerdictBook verdicts, ObjectMapper json, Clock clock,
            SyncLag syncLag, DnsStatus dns) {
        this.syncLag = syncLag;
        this.dns = dns;
        this.coordinator = coordinator;
        this.store = store;
        this.verdicts = verdicts;
        this.json = json;
        this.clock = clock;
    }

    public Dashboard build() {
        Instant now = clock.instant();
        CoordinatorStatus s = coordinator.status();
        Map<String, ObserverView> seen = verdicts.snapshot();
        List<Dashboard.ObserverRow> observers = new ArrayList<>();
        new TreeMap<>(s.observers()).forEach((name, summary) -> observers.add(observer(name, summary, seen.get(name), now)));

        Op ops = new Op(now);
        Dashboard.Op current = null;
        List<Dashboard.Op> recent = new ArrayList<>();
        List<OperationRow> rows;
        try {
            rows = s.decider().quorum() ? store.operations(RECENT + 1) : List.of();
        } catch (StoreUnavailable e) {
            rows = List.of();
        }
        for (OperationRow row : rows) {
            Dashboard.Op op = ops.of(row, store.steps(row.id()));
            if (row.id().toString().equals(s.currentOperation()) || (current == null && row.status() == OperationRow.Status.RUNNING)) {
                current = op;
            } else if (recent.size() < RECENT) {
                recent.add(op);
            }
        }
        return new Dashboard(now, s.state().name(), s.activeSite(), s.epoch(), s.frozen(), s.frozenReason(), s.frozenUntil(),
                s.cooldownUntil(), s.failoversLast24h(), coordinator.lease().id(), coordinator.lease().isLeader(),
                new Dashboard.DeciderRow(s.decider().store(), s.decider().leader(), s.term(), s.decider().quorum(), s.decider().detail()), observers,
                checks(observers.stream().map(Dashboard.ObserverRow::name).toList(), seen), sync(syncLag.rows(now), s.database()),
                dns.row(s.activeSite(), now), decision(now), current, recent);
    }

    /**
     * State-sync's targets, then the database replica as one more row (when the sites have databases): its lag, or
     * what is wrong, flagged when the lag is above the RPO target.
     */
    static List<Dashboard.SyncRow> sync(List<Dashboard.SyncRow> files, dev.baton.common.wire.DatabaseReplica db) {
        if (db == null) {
            return files;
        }
        List<Dashboard.SyncRow> rows = new ArrayList<>(files);
        String target = db.replica() == null ? "database replica" : "database " + db.replica() + " (replica of " + db.primary() + ")";
        String problem = db.problem();
        if (problem == null && db.lagSeconds() != null && db.lagSeconds() > db.rpoTargetSeconds()) {
            problem = String.format(java.util.Locale.ROOT, "%.1f s behind, above the RPO target of %.0f s", db.lagSeconds(), db.rpoTargetSeconds());
        }
        rows.add(new Dashboard.SyncRow(target, db.checkedAt(), db.lagSeconds() == null ? null : Math.round(db.lagSeconds()), problem));
        return rows;
    }

    /** One operation with its steps, as the page shows it. */
    public Optional<Dashboard.Op> operation(UUID id) {
        return store.operation(id).map(row -> new Op(clock.instant()).of(row, store.steps(id)));
    }

    public List<HistoryEntry> history(int limit) {
        return store.history(limit);
    }

    private static Dashboard.ObserverRow observer(String name, ObserverSummary summary, ObserverView view, Instant now) {
        List<Dashboard.SiteRow> sites = new ArrayList<>();
        if (view != null) {
            new TreeMap<>(view.sites()).forEach((site, v) -> sites.add(new Dashboard.SiteRow(site, v.status().name(),
                    seconds(v.since(), now))));
        }
        return new Dashboard.ObserverRow(name, summary.lastHeardAt(), seconds(summary.lastHeardAt(), now), summary.stale(), sites);
    }

    /** Per site, each check named in any observer's report, with every observer's last result of it (latency, error). */
    static List<Dashboard.CheckTable> checks(List<String> observers, Map<String, ObserverView> seen) {
        Map<String, Map<String, Map<String, CheckResult>>> bySite = new TreeMap<>(); // site -> check -> observer -> result
        for (String observer : observers) {
            ObserverView view = seen.get(observer);
            if (view == null) {
                continue;
            }
            view.sites().forEach((site, v) -> v.reported().forEach(c -> bySite.computeIfAbsent(site, k -> new TreeMap<>())
                    .computeIfAbsent(c.name(), k -> new TreeMap<>()).put(observer, c)));
        }
        List<Dashboard.CheckTable> tables = new ArrayList<>();
        bySite.forEach((site, checks) -> tables.add(new Dashboard.CheckTable(site, observers, checks.entrySet().stream()
                .map(check -> line(check.getKey(), observers, check.getValue())).toList())));
        return tables;
    }

    private static Dashboard.CheckLine line(String name, List<String> observers, Map<String, CheckResult> byObserver) {
        List<Dashboard.CheckCell> cells = new ArrayList<>();
        Map<String, List<String>> observersByError = new LinkedHashMap<>();
        for (String o : observers) {
            CheckResult c = byObserver.get(o);
            cells.add(c == null ? new Dashboard.CheckCell(o, null, null) : new Dashboard.CheckCell(o, c.status().name(), c.latencyMs()));
            // an UP check may still carry the error it recovered from; that is not why anything fails now
            if (c != null && c.status() != HealthStatus.UP && c.lastError() != null && !c.lastError().isBlank()) {
                observersByError.computeIfAbsent(shorten(c.lastError()), e -> new ArrayList<>()).add(o);
            }
        }
        List<String> problems = observersByError.entrySet().stream()
                .map(e -> String.join(", ", e.getValue()) + ": " + e.getKey()).toList();
        return new Dashboard.CheckLine(name, byObserver.values().iterator().next().type(), cells, problems);
    }

    private static String shorten(String error) {
        return error.length() > MAX_ERROR ? error.substring(0, MAX_ERROR) + "…" : error;
    }

    /** This instance's last automatic decision, else the last refusal the leader stored. */
    private Dashboard.DecisionRow decision(Instant now) {
        Decision d = coordinator.lastDecision();
        if (d == null) {
            String stored = store.state().lastDecision();
            if (stored != null) {
                try {
                    d = json.readValue(stored, Decision.class);
                } catch (Exception e) {
                    d = null;
                }
            }
        }
        if (d == null) {
            return null;
        }
        return new Dashboard.DecisionRow(d.action().name(), d.at(), seconds(d.at(), now), d.from(), d.to(),
                d.conditions().stream().map(c -> new Dashboard.ConditionRow(c.name(), c.held(), c.detail())).toList());
    }

    private static Long seconds(Instant since, Instant now) {
        return since == null ? null : Math.max(0, Duration.between(since, now).toSeconds());
    }

    private static Long millis(Instant a, Instant b) {
        return a == null || b == null ? null : Duration.between(a, b).toMillis();
    }

    /** Operations in display form; running ones and steps get their duration up to now. */
    private record Op(Instant now) {
        Dashboard.Op of(OperationRow op, List<StepRow> steps) {
            Instant end = op.finishedAt() != null ? op.finishedAt() : now;
            return new Dashboard.Op(op.id().toString(), op.kind().name(), op.trigger(), op.fromSite(), op.toSite(), op.reason(),
                    op.status().name(), op.epoch(), op.startedAt(), op.finishedAt(), millis(op.startedAt(), end), op.rpoSeconds(),
                    Formats.release(op.sessionRelease()),
                    op.detail(), steps.stream().map(this::step).toList());
        }

        private Dashboard.Step step(StepRow s) {
            Instant end = s.finishedAt() != null ? s.finishedAt() : s.status() == StepRow.Status.RUNNING ? now : null;
            return new Dashboard.Step(s.index(), s.name(), s.type(), s.status().name(), s.attempts(), millis(s.startedAt(), end),
                    s.detail());
        }
    }
}
