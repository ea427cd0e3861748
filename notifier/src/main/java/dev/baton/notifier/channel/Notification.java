package dev.baton.notifier.channel;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.pipeline.Alert;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One message to send: the alerts of one group (same channel, same group labels, all firing or all resolved). A group
 * too large for one message of its channel is sent as parts ({@link #split}): {@code part} of {@code parts}, holding
 * the group's alerts {@code first + 1 .. first + alerts.size()} of {@code groupSize}, so that every alert's state change
 * reaches the channel instead of being cut off by its size limit.
 */
public record Notification(List<Alert> alerts, int part, int parts, int first, int groupSize) {

    public Notification {
        if (alerts.isEmpty()) {
            throw new IllegalArgumentException("a notification needs at least one alert");
        }
        alerts = List.copyOf(alerts);
    }

    /** A whole group in one message. */
    public Notification(List<Alert> alerts) {
        this(alerts, 1, 1, 0, alerts.size());
    }

    public boolean isPart() {
        return parts > 1;
    }

    /** {@code part 2 of 3: alerts 41-80 of 120}, for the head of a part; empty for a whole group. */
    public String partLine() {
        return isPart() ? "part " + part + " of " + parts + ": alerts " + (first + 1) + "-" + (first + alerts.size()) + " of " + groupSize : "";
    }

    /**
     * The group as few messages as its channel allows: alerts are taken in order while the rendering ({@code length})
     * stays within {@code limit}; an alert that does not fit starts the next part. A single alert longer than the
     * limit is a part of its own (its channel shortens it, visibly). Every part names its place in the group.
     */
    public static List<Notification> split(Notification whole, ToIntFunction<Notification> length, int limit) {
        if (length.applyAsInt(whole) <= limit) {
            return List.of(whole);
        }
        List<List<Alert>> chunks = new ArrayList<>();
        List<Alert> current = new ArrayList<>();
        int total = whole.alerts().size();
        for (Alert a : whole.alerts()) {
            current.add(a);
            // measured as a part with the widest header this group can have, so numbering later cannot push it over
            Notification trial = new Notification(current, total, total, total, total);
            if (current.size() > 1 && length.applyAsInt(trial) > limit) {
                current.remove(current.size() - 1);
                chunks.add(current);
                current = new ArrayList<>(List.of(a));
            }
        }
        chunks.add(current);
        List<Notification> parts = new ArrayList<>();
        int first = 0;
        for (int i = 0; i < chunks.size(); i++) {
            parts.add(new Notification(chunks.get(i), i + 1, chunks.size(), first, total));
            first += chunks.get(i).size();
        }
        return parts;
    }

    /** The loudest severity in the group. */
    public Severity severity() {
        return alerts.stream().map(Alert::severity).max(Comparator.naturalOrder()).orElseThrow();
    }

    public boolean resolved() {
        return alerts.get(0).resolved();
    }

    /**
     * The first alert's title, with "(+N more)" for a group and "(resolved)" for a resolution; for a part, how many
     * alerts the whole group has and which part this is.
     */
    public String headline() {
        if (isPart()) {
            return groupSize + " alerts " + (resolved() ? "resolved" : "firing") + " (" + partLine() + ")";
        }
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
