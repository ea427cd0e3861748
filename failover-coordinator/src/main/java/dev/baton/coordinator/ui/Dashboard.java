package dev.baton.coordinator.ui;

import io.quarkus.qute.TemplateData;
import java.time.Instant;
import java.util.List;

/**
 * Everything the status page, its live stream ({@code GET /api/v1/status/stream}) and the text
 * rendering for {@code bin/baton} show, already in display form. Ages are computed by the server at
 * {@code generatedAt}, so a phone with a wrong clock still shows the right ages.
 */
@TemplateData
public record Dashboard(
        Instant generatedAt,
        String state,
        String activeSite,
        long epoch,
        boolean frozen,
        String frozenReason,
        Instant frozenUntil,
        Instant cooldownUntil,
        int failoversLast24h,
        String instance,
        boolean leader,
        DeciderRow decider,
        List<ObserverRow> observers,
        List<CheckTable> checks,
        List<SyncRow> sync,
        DnsRow dns,
        DecisionRow decision,
        Op current,
        List<Op> recent) {

    /**
     * The decision store as this instance sees it: {@code store} (postgres, zookeeper), the leader and term, and
     * {@code problem} ("no quorum: 1 of 3 servers reachable (...)") when this instance cannot reach it; the rest of
     * the page is then the state as last read, and operations are not shown.
     */
    @TemplateData
    public record DeciderRow(String store, String leader, long term, boolean quorum, String problem) {
    }

    /** One observer: when it last reported, whether it still counts, and its verdict on each site. */
    @TemplateData
    public record ObserverRow(String name, Instant lastHeardAt, Long ageSeconds, boolean stale, List<SiteRow> sites) {
    }

    /** One observer's verdict on one site and for how long the site has had it. */
    @TemplateData
    public record SiteRow(String site, String status, Long forSeconds) {
    }

    /** One site's checks as each observer last reported them: a row per check, a column per observer. */
    @TemplateData
    public record CheckTable(String site, List<String> observers, List<CheckLine> checks) {
        /** The table's width in columns: the check's name and one per observer. */
        public int columns() {
            return observers.size() + 1;
        }
    }

    /**
     * One check with every observer's last result, and why it fails: each distinct last error of the observers
     * that see it failing, once, prefixed with their names ("obs-a, obs-c: connection refused").
     */
    @TemplateData
    public record CheckLine(String name, String type, List<CheckCell> cells, List<String> problems) {
    }

    /** One observer's last result of one check; {@code status} is null when that observer does not run it. */
    @TemplateData
    public record CheckCell(String observer, String status, Long latencyMs) {
    }

    /**
     * The switched record: its values at the provider ({@code pointsTo} names the site of each), whether that is
     * the active site's value, and propagation to the authoritative nameservers ("complete", "incomplete" or
     * "unknown"). Null lists and flags mean dns-manager could not say ({@code problem} says why).
     */
    @TemplateData
    public record DnsRow(String name, String type, List<String> values, Integer ttl, String pointsTo, String expected,
            Boolean atActive, String propagation, String propagationDetail, List<NameserverRow> nameservers, Instant checkedAt,
            Long ageSeconds, String problem) {
    }

    @TemplateData
    public record NameserverRow(String server, String answers, boolean matches, String error) {
    }

    /** State-sync's view of one target: last successful sync, lag now, or why it is unknown. */
    @TemplateData
    public record SyncRow(String target, Instant lastSuccessAt, Long lagSeconds, String problem) {
    }

    /** The policy's last answer to "would I fail over now", with every condition. */
    @TemplateData
    public record DecisionRow(String action, Instant at, Long ageSeconds, String from, String to, List<ConditionRow> conditions) {
    }

    @TemplateData
    public record ConditionRow(String name, boolean held, String detail) {
    }

    /**
     * A failover or failback with its steps; {@code durationMs} runs on while it is running. {@code sessionRelease}:
     * what released the fenced engine's broker session and how long after the fence ("session-check after 0.4 s").
     */
    @TemplateData
    public record Op(String id, String kind, String trigger, String from, String to, String reason, String status, long epoch,
            Instant startedAt, Instant finishedAt, Long durationMs, Double rpoSeconds, String sessionRelease, String detail, List<Step> steps) {
    }

    @TemplateData
    public record Step(int index, String name, String type, String status, int attempts, Long durationMs, String detail) {
    }
}
