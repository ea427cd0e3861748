package dev.baton.healthchecker.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.VerdictReport;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.probe.CheckType;
import dev.baton.healthchecker.probe.ProbeOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Site verdicts from critical checks only, and a published report exactly when a status changes. */
class VerdictBookTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    private static CheckDefinition check(String name, boolean critical) {
        return new CheckDefinition(name, "primary", CheckType.TCP, "127.0.0.2:80", "127.0.0.2:80", Duration.ofSeconds(1),
                Duration.ofMillis(500), 1, 1, critical, new CheckDefinition.Tcp("127.0.0.2", 80, java.util.Optional.empty(),
                java.util.Optional.empty()));
    }

    @Test
    void nonCriticalChecksDoNotDecideTheSiteAndOnlyStatusChangesArePublished() {
        CheckDefinition engine = check("engine", true);
        CheckDefinition grafana = check("grafana", false);
        VerdictBook book = new VerdictBook("witness", List.of(engine, grafana), CLOCK);
        List<VerdictReport> published = new CopyOnWriteArrayList<>();
        book.changes().subscribe().with(published::add);

        assertThat(book.report().sites().get("primary").status()).isEqualTo(HealthStatus.UNKNOWN);
        book.record(grafana, ProbeOutcome.down(Duration.ofMillis(3), "refused"));
        assertThat(book.report().sites().get("primary").status()).isEqualTo(HealthStatus.UNKNOWN);
        book.record(engine, ProbeOutcome.up(Duration.ofMillis(3)));
        book.record(engine, ProbeOutcome.up(Duration.ofMillis(4)));
        book.record(engine, ProbeOutcome.down(Duration.ofMillis(5), "refused"));

        VerdictReport report = book.report();
        assertThat(report.observer()).isEqualTo("witness");
        assertThat(report.sites().get("primary").status()).isEqualTo(HealthStatus.DOWN);
        assertThat(report.sites().get("primary").checks()).extracting(c -> c.name() + "=" + c.status())
                .containsExactly("engine=DOWN", "grafana=DOWN");
        // grafana DOWN, engine UP, engine DOWN: three transitions, the repeated UP is not one
        assertThat(published).hasSize(3);
        assertThat(published).extracting(r -> r.sites().get("primary").status())
                .containsExactly(HealthStatus.UNKNOWN, HealthStatus.UP, HealthStatus.DOWN);
    }

    @Test
    void aStreamSubscriberGetsTheCurrentReportThenChanges() {
        CheckDefinition engine = check("engine", true);
        VerdictBook book = new VerdictBook("witness", List.of(engine), CLOCK);
        List<VerdictReport> seen = new CopyOnWriteArrayList<>();
        book.currentAndChanges().subscribe().with(seen::add);
        book.record(engine, ProbeOutcome.up(Duration.ofMillis(3)));
        assertThat(seen).extracting(r -> r.sites().get("primary").status())
                .containsExactly(HealthStatus.UNKNOWN, HealthStatus.UP);
    }
}
