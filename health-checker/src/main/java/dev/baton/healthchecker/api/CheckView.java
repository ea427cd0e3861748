package dev.baton.healthchecker.api;

import dev.baton.common.wire.HealthStatus;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.verdict.CheckState;
import java.time.Instant;

/** A check's definition and current state, as {@code GET /api/v1/checks} shows it (credentials never included). */
public record CheckView(
        String name,
        String site,
        String type,
        String target,
        boolean critical,
        long intervalMs,
        long timeoutMs,
        int failureThreshold,
        int successThreshold,
        HealthStatus status,
        Instant since,
        int consecutiveFailures,
        int consecutiveSuccesses,
        Long latencyMs,
        String lastError,
        Instant checkedAt,
        Instant certificateNotAfter) {

    static CheckView of(CheckDefinition c, CheckState s) {
        return new CheckView(c.name(), c.site(), c.type().wireName(), c.displayTarget(), c.critical(), c.interval().toMillis(),
                c.timeout().toMillis(), c.failureThreshold(), c.successThreshold(), s.status(), s.since(), s.consecutiveFailures(),
                s.consecutiveSuccesses(), s.latencyMs(), s.lastError(), s.checkedAt(), s.certificateNotAfter().orElse(null));
    }
}
