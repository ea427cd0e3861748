package dev.baton.notifier.pipeline;

import dev.baton.common.wire.Severity;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/** An accepted alert as the pipeline sees it; {@code key} is its dedupKey or, without one, a fingerprint. */
public record Alert(
        String key,
        Severity severity,
        String title,
        String message,
        String source,
        Map<String, String> labels,
        boolean resolved,
        Instant receivedAt) {

    public Alert {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        message = message == null ? "" : message;
        source = source == null ? "" : source;
    }

    /** Labels plus {@code severity} and {@code source}, which matchers may also name. */
    public Map<String, String> matchable() {
        Map<String, String> all = new HashMap<>(labels);
        all.putIfAbsent("severity", severity.name());
        all.putIfAbsent("source", source);
        return all;
    }
}
