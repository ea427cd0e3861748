package dev.baton.notifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Backoff, escalation and grouping rules. */
class RulesTest {
    final Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(5), 0.2);

    @Test
    void backoffDoublesUpToTheCap() {
        assertThat(backoff.delay(1, 0.5)).isEqualTo(Duration.ofSeconds(2));
        assertThat(backoff.delay(2, 0.5)).isEqualTo(Duration.ofSeconds(4));
        assertThat(backoff.delay(5, 0.5)).isEqualTo(Duration.ofSeconds(32));
        assertThat(backoff.delay(9, 0.5)).isEqualTo(Duration.ofMinutes(5));
        assertThat(backoff.delay(1000, 0.5)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void jitterSpreadsWithinTheBand() {
        assertThat(backoff.delay(3, 0.0)).isEqualTo(Duration.ofMillis(6400));
        assertThat(backoff.delay(3, 0.999999)).isBetween(Duration.ofMillis(9599), Duration.ofMillis(9600));
    }

    @Test
    void onlyCriticalAlertsEscalateAndOnlyAtTheThreshold() {
        Optional<String> fallback = Optional.of("pagerduty");
        assertThat(Escalation.fallbackFor(Severity.CRITICAL, 2, 3, fallback)).isEmpty();
        assertThat(Escalation.fallbackFor(Severity.CRITICAL, 3, 3, fallback)).contains("pagerduty");
        assertThat(Escalation.fallbackFor(Severity.WARNING, 10, 3, fallback)).isEmpty();
        assertThat(Escalation.fallbackFor(Severity.CRITICAL, 10, 3, Optional.empty())).isEmpty();
    }

    @Test
    void groupsBySiteChannelAndState() {
        Instant t = Instant.parse("2026-11-23T12:00:00Z");
        Alert engine = new Alert("a", Severity.CRITICAL, "engine down", "", "", Map.of("site", "primary", "check", "engine"), false, t);
        Alert gateway = new Alert("b", Severity.WARNING, "gateway down", "", "", Map.of("site", "primary", "check", "gw"), false, t);
        Alert other = new Alert("c", Severity.WARNING, "gateway down", "", "", Map.of("site", "standby"), false, t);
        Alert resolved = new Alert("a", Severity.CRITICAL, "engine down", "", "", Map.of("site", "primary"), true, t);
        List<String> by = List.of("site");
        assertThat(Grouping.key("tg", engine, by)).isEqualTo(Grouping.key("tg", gateway, by));
        assertThat(Grouping.key("tg", engine, by)).isNotEqualTo(Grouping.key("mail", engine, by));
        assertThat(Grouping.key("tg", engine, by)).isNotEqualTo(Grouping.key("tg", other, by));
        assertThat(Grouping.key("tg", engine, by)).isNotEqualTo(Grouping.key("tg", resolved, by));
    }

    @Test
    void silenceMatchesSeverityAndSourceToo() {
        Instant t = Instant.parse("2026-11-23T12:00:00Z");
        Alert a = new Alert("a", Severity.INFO, "disk", "", "state-sync", Map.of(), false, t);
        Silence infoFromSync = new Silence(java.util.UUID.randomUUID(), Map.of("severity", "INFO", "source", "state-sync"),
                t.minusSeconds(1), t.plusSeconds(60), "ops", "");
        assertThat(infoFromSync.mutes(a, t)).isTrue();
        assertThat(infoFromSync.mutes(a, t.plusSeconds(60))).as("ends exactly at endsAt").isFalse();
        assertThat(infoFromSync.mutes(a, t.minusSeconds(2))).as("not before startsAt").isFalse();
    }
}
