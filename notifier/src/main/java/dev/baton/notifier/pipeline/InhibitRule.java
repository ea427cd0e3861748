package dev.baton.notifier.pipeline;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * While an alert matching {@code source} fires, alerts matching {@code target} with the same values for the
 * {@code equal} labels are not sent (e.g. "site failed over" mutes that site's per-check down alerts).
 */
public record InhibitRule(Map<String, String> source, Map<String, String> target, List<String> equal) {
    public InhibitRule {
        source = Map.copyOf(source);
        target = Map.copyOf(target);
        equal = List.copyOf(equal);
    }

    /** Whether {@code firing} (labels of a firing alert, incl. severity) inhibits {@code alert}. */
    public boolean inhibits(Map<String, String> firing, Alert alert) {
        Map<String, String> candidate = alert.matchable();
        if (!LabelMatcher.matches(target, candidate) || !LabelMatcher.matches(source, firing)) {
            return false;
        }
        if (LabelMatcher.matches(source, candidate)) {
            return false; // an alert never inhibits itself or its own kind
        }
        for (String label : equal) {
            if (!Objects.equals(firing.get(label), candidate.get(label))) {
                return false;
            }
        }
        return true;
    }
}
