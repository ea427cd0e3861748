package dev.baton.healthchecker.verdict;

import dev.baton.common.wire.HealthStatus;
import dev.baton.healthchecker.probe.ProbeOutcome;
import java.time.Instant;
import java.util.Optional;

/**
 * The state of one check, and the pure rule that moves it: a check starts UNKNOWN; it becomes DOWN
 * after {@code failureThreshold} consecutive failures and UP after {@code successThreshold}
 * consecutive successes. Anything in between keeps the current status, so a flapping target holds
 * its last verdict instead of bouncing.
 */
public record CheckState(
        HealthStatus status,
        Instant since,
        int consecutiveFailures,
        int consecutiveSuccesses,
        Long latencyMs,
        String lastError,
        Instant checkedAt,
        Optional<Instant> certificateNotAfter) {

    public static CheckState initial(Instant now) {
        return new CheckState(HealthStatus.UNKNOWN, now, 0, 0, null, null, null, Optional.empty());
    }

    /** The state after {@code outcome}, observed at {@code now}. */
    public CheckState next(ProbeOutcome outcome, int failureThreshold, int successThreshold, Instant now) {
        int failures = outcome.success() ? 0 : saturatingIncrement(consecutiveFailures);
        int successes = outcome.success() ? saturatingIncrement(consecutiveSuccesses) : 0;
        HealthStatus nextStatus = status;
        if (failures >= failureThreshold) {
            nextStatus = HealthStatus.DOWN;
        } else if (successes >= successThreshold) {
            nextStatus = HealthStatus.UP;
        }
        // a success clears the error; a warning is a success whose message is kept so it is seen
        String error = outcome.message();
        Optional<Instant> cert = outcome.certificateNotAfter().isPresent() ? outcome.certificateNotAfter() : certificateNotAfter;
        return new CheckState(nextStatus, nextStatus == status ? since : now, failures, successes,
                outcome.latency() == null ? null : outcome.latency().toMillis(), error, now, cert);
    }

    /** Whether going from {@code before} to this state is a transition (counted once, when it happens). */
    public boolean isTransitionFrom(CheckState before) {
        return before.status != status;
    }

    private static int saturatingIncrement(int n) {
        return n == Integer.MAX_VALUE ? n : n + 1;
    }
}
