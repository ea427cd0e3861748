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

    @Test
    void aHeartbeatThatRepeatsTheLastReportMovesOnlyItsTimeAndAChangedCheckIsSeen() {
        List<dev.baton.common.wire.CheckResult> up = List.of(check("engine", HealthStatus.UP), check("host", HealthStatus.UP));
        book.record(new VerdictReport("obs-a", NOW.minusSeconds(30), Map.of("primary", new SiteVerdict(HealthStatus.UP, null, up))));
        ObserverView first = book.snapshot().get("obs-a");

        book.record(new VerdictReport("obs-a", NOW.minusSeconds(20), Map.of("primary", new SiteVerdict(HealthStatus.UP, null, List.copyOf(up)))));
        ObserverView heartbeat = book.snapshot().get("obs-a");
        assertThat(heartbeat.observedAt()).isEqualTo(NOW.minusSeconds(20));
        assertThat(heartbeat.sites()).isEqualTo(first.sites());
        assertThat(heartbeat.sites().get("primary").since()).isEqualTo(NOW.minusSeconds(30));

        // the same site status, one check DOWN: a new view (readiness reads the checks)
        book.record(new VerdictReport("obs-a", NOW.minusSeconds(10), Map.of("primary", new SiteVerdict(HealthStatus.UP, null,
                List.of(check("engine", HealthStatus.UP), check("host", HealthStatus.DOWN))))));
        ObserverView changed = book.snapshot().get("obs-a");
        assertThat(changed.sites().get("primary").checks()).containsEntry("host", HealthStatus.DOWN);
        assertThat(changed.sites().get("primary").since()).isEqualTo(NOW.minusSeconds(30));
        assertThat(changed.readinessOf("primary", null)).isEqualTo(HealthStatus.UP);
        assertThat(changed.readinessOf("primary", java.util.regex.Pattern.compile("engine"))).isEqualTo(HealthStatus.DOWN);
    }

    private static dev.baton.common.wire.CheckResult check(String name, HealthStatus status) {
        return new dev.baton.common.wire.CheckResult(name, "tcp", null, status, 0, 0, null, null, null);
    }
}
