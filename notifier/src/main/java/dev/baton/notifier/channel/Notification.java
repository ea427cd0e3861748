package dev.baton.notifier.channel;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.pipeline.Alert;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** One message to send: the alerts of one group (same channel, same group labels, all firing or all resolved). */
public record Notification(List<Alert> alerts) {

    public Notification {
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException("a notification needs at least one alert");
        }
        alerts = List.copyOf(alerts);
    }

    /** The loudest severity in the group. */
    public Severity severity() {
        return alerts.stream().map(Alert::severity).max(Comparator.naturalOrder()).orElseThrow();
    }

    public boolean resolved() {
        return alerts.get(0).resolved();
    }

    /** The first alert's title, with "(+N more)" for a group and "(resolved)" for a resolution. */
    public String headline() {
        String title = alerts.get(0).title();
        if (alerts.size() > 1) {
            title += " (+" + (alerts.size() - 1) + " more)";
        }
        return resolved() ? title + " (resolved)" : title;
    }

    /** {@code [Baton] SEVERITY: title}, the subject line of the mail and the first line elsewhere. */
    public String subject() {
        return "[Baton] " + severity() + ": " + headline();
    }

    /** Labels as {@code a=1, b=2}, sorted so the text is stable. */
    public static String labelLine(Map<String, String> labels) {
        return new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** A plain-text rendering for channels without markup. */
    public String plainText() {
        StringBuilder sb = new StringBuilder(subject());
        for (Alert a : alerts) {
            sb.append("\n\n").append(a.resolved() ? "RESOLVED " : "").append(a.severity()).append(": ").append(a.title());
            if (!a.message().isBlank()) {
                sb.append('\n').append(a.message());
            }
            if (!a.labels().isEmpty()) {
                sb.append('\n').append(labelLine(a.labels()));
            }
        }
        return sb.toString();
    }
}
