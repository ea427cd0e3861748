package dev.baton.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How observer reports become the policy's view: since-tracking, reordering, skewed clocks. */
class VerdictBookTest {
    private static final Instant NOW = Instant.parse("2026-11-24T10:00:00Z");
    private final VerdictBook book = new VerdictBook(Clock.fixed(NOW, ZoneOffset.UTC));

    private static VerdictReport report(Instant at, HealthStatus primary, Instant since) {
        return new VerdictReport("obs-a", at, Map.of("primary", new SiteVerdict(primary, since, List.of())));
    }

    @Test
    void withoutAnObserverSinceTheFirstReportOfAStatusStartsTheClockAndAFlipRestartsIt() {
        book.record(report(NOW.minusSeconds(50), HealthStatus.DOWN, null));
        book.record(report(NOW.minusSeconds(40), HealthStatus.DOWN, null));
        assertThat(book.snapshot().get("obs-a").sites().get("primary").since()).isEqualTo(NOW.minusSeconds(50));

        book.record(report(NOW.minusSeconds(30), HealthStatus.UP, null));
        book.record(report(NOW.minusSeconds(20), HealthStatus.DOWN, null));
        assertThat(book.snapshot().get("obs-a").sites().get("primary").since()).as("flapping restarts the clock")
                .isEqualTo(NOW.minusSeconds(20));
    }

    @Test
    void anOlderReportArrivingLateIsIgnored() {
        book.record(report(NOW.minusSeconds(5), HealthStatus.UP, NOW.minusSeconds(600)));
        book.record(report(NOW.minusSeconds(30), HealthStatus.DOWN, NOW.minusSeconds(40)));
        assertThat(book.status("obs-a", "primary")).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aReportFromTheFutureCountsAsMadeNow() {
        book.record(report(NOW.plusSeconds(3600), HealthStatus.DOWN, NOW.minusSeconds(60)));
        assertThat(book.snapshot().get("obs-a").observedAt()).isEqualTo(NOW);
    }
}
