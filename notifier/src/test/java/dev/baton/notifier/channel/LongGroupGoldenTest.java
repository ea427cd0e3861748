package dev.baton.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.pipeline.Alert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After a storm, one group of 120 alerts resolves at once: every alert's resolution must be readable on every
 * channel, none cut off by a size limit. Telegram (4096 characters a message) gets it in parts, each headed by its
 * place in the group; Slack (40,000) in one message. The texts are compared with committed golden files
 * ({@code src/test/resources/golden}; regenerate with {@code -Dbaton.golden.update=true} and review the diff).
 */
class LongGroupGoldenTest {
    private static final Instant T = Instant.parse("2026-12-05T14:30:00Z");
    private static final String[] SITES = {"primary", "standby"};
    private static final String[] WHAT = {"engine heartbeat late", "IB gateway disconnected", "order latency p99 over 250 ms",
        "PostgreSQL replication lag over 5 s", "disk /srv/trading over 90%", "market data stale"};

    /** 120 alerts as a real storm makes them: varied titles, messages and labels, all resolved together. */
    static List<Alert> storm(boolean resolved) {
        List<Alert> alerts = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            String site = SITES[i % 2];
            String what = WHAT[i % WHAT.length];
            Severity severity = i % 5 == 0 ? Severity.CRITICAL : Severity.WARNING;
            alerts.add(new Alert("storm-" + i, severity, what + " #" + (i + 1) + " on " + site,
                    "instance " + site + "-" + (i % 7) + ": " + what + " since 14:" + String.format("%02d", i % 60) + " UTC",
                    "alertmanager", Map.of("site", site, "alertname", what.replace(' ', '_'), "instance", site + "-" + (i % 7)), resolved, T));
        }
        return alerts;
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aTelegramReaderSeesEveryAlertOfA120AlertGroup(boolean resolved) throws IOException {
        Notification whole = new Notification(storm(resolved));
        List<Notification> parts = Notification.split(whole, TelegramText::length, TelegramText.LIMIT);
        List<String> messages = parts.stream().map(TelegramText::render).toList();

        assertThat(messages).hasSizeGreaterThan(1).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(TelegramText.LIMIT))
                .noneMatch(m -> m.contains("(truncated)"));
        everyAlertExactlyOnce(whole, messages, a -> "<b>" + TelegramText.escape((a.resolved() ? "RESOLVED " : "") + a.severity() + ": " + a.title()) + "</b>");
        assertThat(parts).extracting(Notification::partLine).first().asString().isEqualTo("part 1 of " + parts.size() + ": alerts 1-"
                + parts.get(0).alerts().size() + " of 120");
        golden("telegram-120-" + (resolved ? "resolved" : "firing") + ".txt", messages);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aSlackReaderSeesEveryAlertOfA120AlertGroupInOneMessage(boolean resolved) throws IOException {
        Notification whole = new Notification(storm(resolved));
        List<String> messages = Notification.split(whole, n -> SlackChannel.text(n).length(), SlackChannel.LIMIT).stream()
                .map(SlackChannel::text).toList();

        assertThat(messages).singleElement().satisfies(m -> assertThat(m.length()).isLessThanOrEqualTo(SlackChannel.LIMIT));
        // each alert's own line (the subject line above them names the first one too)
        everyAlertExactlyOnce(whole, messages, a -> "\n" + SlackChannel.escape((a.resolved() ? "RESOLVED " : "") + a.severity() + ": " + a.title()) + "\n");
        golden("slack-120-" + (resolved ? "resolved" : "firing") + ".txt", messages);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 1200})
    void aGroupBeyondSlacksLimitIsSplitToo(int size) {
        List<Alert> many = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            many.add(new Alert("k" + i, Severity.WARNING, "check " + i + " " + "x".repeat(60), "m".repeat(40), "s",
                    Map.of("site", "primary"), true, T));
        }
        Notification whole = new Notification(many);
        List<String> messages = Notification.split(whole, n -> SlackChannel.text(n).length(), SlackChannel.LIMIT).stream()
                .map(SlackChannel::text).toList();
        assertThat(messages).hasSizeGreaterThan(1).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(SlackChannel.LIMIT));
        everyAlertExactlyOnce(whole, messages, a -> "\nRESOLVED " + a.severity() + ": " + a.title() + "\n");
    }

    private static void everyAlertExactlyOnce(Notification whole, List<String> messages, Function<Alert, String> line) {
        String all = String.join("\n", messages);
        for (Alert a : whole.alerts()) {
            String needle = line.apply(a);
            int first = all.indexOf(needle);
            assertThat(first).as("%s appears", needle).isNotNegative();
            assertThat(all.indexOf(needle, first + 1)).as("%s appears once", needle).isNegative();
        }
    }

    private static void golden(String name, List<String> messages) throws IOException {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            text.append("===== message ").append(i + 1).append(" of ").append(messages.size()).append(" (")
                    .append(messages.get(i).length()).append(" characters) =====\n").append(messages.get(i)).append('\n');
        }
        Path file = Path.of("src/test/resources/golden").resolve(name);
        if (Boolean.getBoolean("baton.golden.update")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        }
        assertThat(file).as("golden file (create it with -Dbaton.golden.update=true)").exists();
        assertThat(text.toString()).isEqualTo(Files.readString(file, StandardCharsets.UTF_8));
    }
}
