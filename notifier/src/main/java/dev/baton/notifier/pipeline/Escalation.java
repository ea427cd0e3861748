package dev.baton.notifier.pipeline;

import dev.baton.common.wire.Severity;
import java.util.Optional;

/** Fallback escalation: a channel failing N times in a row hands CRITICAL alerts to its fallback channel. */
public final class Escalation {
    private Escalation() {
    }

    public static Optional<String> fallbackFor(Severity severity, int consecutiveFailures, int threshold, Optional<String> fallback) {
        if (severity != Severity.CRITICAL || consecutiveFailures < threshold) {
            return Optional.empty();
        }
        return fallback;
    }
}
