package dev.baton.notifier.pipeline;

import java.util.List;

/** Alerts for the same channel, in the same state (firing or resolved) and with equal group labels go out together. */
public final class Grouping {
    private Grouping() {
    }

    public static String key(String channel, Alert alert, List<String> groupBy) {
        StringBuilder sb = new StringBuilder(channel).append('|').append(alert.resolved() ? "resolved" : "firing");
        for (String label : groupBy) {
            sb.append('|').append(label).append('=').append(alert.labels().getOrDefault(label, ""));
        }
        return sb.toString();
    }
}
