package dev.baton.notifier.pipeline;

import dev.baton.common.wire.Severity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One routing rule: which alerts (severity and labels) go to which channels. */
public record Route(Set<Severity> severities, Map<String, String> labels, List<String> channels, boolean continueMatching) {
    public Route {
        severities = Set.copyOf(severities);
        labels = Map.copyOf(labels);
        channels = List.copyOf(channels);
    }

    public boolean matches(Alert alert) {
        return severities.contains(alert.severity()) && LabelMatcher.matches(labels, alert.labels());
    }
}
