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
        List<ObserverRow> observers,
        List<SyncRow> sync,
        DecisionRow decision,
        Op current,
        List<Op> recent) {

    /** One observer: when it last reported, whether it still counts, and its verdict on each site. */
    @TemplateData
    public record ObserverRow(String name, Instant lastHeardAt, Long ageSeconds, boolean stale, List<SiteRow> sites) {
    }

    /** One observer's verdict on one site, since when, and each check's status ("name=UP"). */
    @TemplateData
    public record SiteRow(String site, String status, Long forSeconds, List<String> checks) {
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

    /** A failover or failback with its steps; {@code durationMs} runs on while it is running. */
    @TemplateData
    public record Op(String id, String kind, String trigger, String from, String to, String reason, String status, long epoch,
            Instant startedAt, Instant finishedAt, Long durationMs, Double rpoSeconds, String detail, List<Step> steps) {
    }

    @TemplateData
    public record Step(int index, String name, String type, String status, int attempts, Long durationMs, String detail) {
    }
}
