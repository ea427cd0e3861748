package dev.baton.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.SessionRelease;
import dev.baton.coordinator.store.StepRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** {@code GET /api/v1/operations/{id}}: the operation, the decision that started it, and each step with timings and outcome. */
public record OperationView(
        UUID id,
        String kind,
        String trigger,
        String from,
        String to,
        String reason,
        String status,
        long epoch,
        Instant startedAt,
        Instant finishedAt,
        Long durationMs,
        String detail,
        Double rpoSeconds,
        SessionReleaseView sessionRelease,
        JsonNode decision,
        List<StepView> steps) {

    /**
     * How the broker released the fenced engine's session before the new site started: {@code by} logout,
     * session-check, linger or takeover; null until the fence step has seen it released.
     */
    public record SessionReleaseView(String by, Instant fencedAt, Instant releasedAt, long waitedMs, String detail) {
        static SessionReleaseView of(SessionRelease r) {
            return r == null ? null : new SessionReleaseView(r.by().label(), r.fencedAt(), r.releasedAt(), r.waited().toMillis(), r.detail());
        }
    }

    public record StepView(int index, String name, String type, String status, int attempts, Instant startedAt,
            Instant finishedAt, Long durationMs, String detail) {

        static StepView of(StepRow s) {
            return new StepView(s.index(), s.name(), s.type(), s.status().name(), s.attempts(), s.startedAt(), s.finishedAt(),
                    millis(s.startedAt(), s.finishedAt()), s.detail());
        }
    }

    static OperationView of(OperationRow op, JsonNode decision, List<StepRow> steps) {
        return new OperationView(op.id(), op.kind().name(), op.trigger(), op.fromSite(), op.toSite(), op.reason(), op.status().name(),
                op.epoch(), op.startedAt(), op.finishedAt(), millis(op.startedAt(), op.finishedAt()), op.detail(), op.rpoSeconds(),
                SessionReleaseView.of(op.sessionRelease()), decision,
                steps.stream().map(StepView::of).toList());
    }

    private static Long millis(Instant a, Instant b) {
        return a == null || b == null ? null : Duration.between(a, b).toMillis();
    }
}
