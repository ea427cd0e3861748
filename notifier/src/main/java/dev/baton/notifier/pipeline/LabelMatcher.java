package dev.baton.notifier.pipeline;

import java.util.Map;

/** Equality matchers on labels: every named label must be present with exactly this value. */
public final class LabelMatcher {
    private LabelMatcher() {
    }

    public static boolean matches(Map<String, String> wanted, Map<String, String> labels) {
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            if (!w.getValue().equals(labels.get(w.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
