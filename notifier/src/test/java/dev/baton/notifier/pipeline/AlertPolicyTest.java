package dev.baton.notifier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The whole send-or-not decision as a table: dedup, repeat, resolution, silences, inhibition, routing. */
class AlertPolicyTest {
    static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");

    static final AlertPolicy POLICY = new AlertPolicy(
            new Router(List.of(
                    new Route(Set.of(Severity.CRITICAL), Map.of(), List.of("pagerduty", "telegram"), true),
                    new Route(Set.of(Severity.values()), Map.of("team", "desk"), List.of("email"), false),
                    new Route(Set.of(Severity.WARNING, Severity.CRITICAL), Map.of(), List.of("slack"), false))),
            List.of(new InhibitRule(Map.of("alertname", "site_failed_over"), Map.of("kind", "check_down"), List.of("site"))),
            Duration.ofMinutes(5), Duration.ofHours(4));

    static Alert alert(Severity s, Map<String, String> labels, boolean resolved) {
        return new Alert("k1", s, "engine down", "", "health-checker", labels, resolved, NOW);
    }

    static AlertState firingFor(Duration ago) {
        return new AlertState("k1", true, NOW.minus(ago), Map.of());
    }

    static final Silence SILENCE_SITE_A = new Silence(UUID.fromString("00000000-0000-0000-0000-00000000000a"),
            Map.of("site", "a"), NOW.minusSeconds(60), NOW.plusSeconds(3600), "ops", "maintenance");
    static final Silence EXPIRED = new Silence(UUID.fromString("00000000-0000-0000-0000-00000000000b"),
            Map.of("site", "a"), NOW.minusSeconds(7200), NOW.minusSeconds(1), "ops", "over");
    static final AlertState FAILED_OVER_A = new AlertState("fo-a", true, NOW.minusSeconds(30),
            Map.of("alertname", "site_failed_over", "site", "a", "severity", "CRITICAL"));

    static Stream<Arguments> cases() {
        Map<String, String> siteA = Map.of("site", "a");
        Map<String, String> checkDownA = Map.of("kind", "check_down", "site", "a");
        Map<String, String> checkDownB = Map.of("kind", "check_down", "site", "b");
        return Stream.of(
                // name, alert, previous, silences, firing, expected disposition, expected channels
                Arguments.of("new critical goes to every matching route while continue", alert(Severity.CRITICAL, Map.of(), false),
                        null, List.of(), List.of(), Disposition.NOTIFY, Set.of("pagerduty", "telegram", "slack")),
                Arguments.of("label route stops matching", alert(Severity.INFO, Map.of("team", "desk"), false),
                        null, List.of(), List.of(), Disposition.NOTIFY, Set.of("email")),
                Arguments.of("info without labels matches no route", alert(Severity.INFO, Map.of(), false),
                        null, List.of(), List.of(), Disposition.UNROUTED, Set.of()),
                Arguments.of("re-post within dedup window", alert(Severity.WARNING, Map.of(), false),
                        firingFor(Duration.ofMinutes(1)), List.of(), List.of(), Disposition.DUPLICATE, Set.of()),
                Arguments.of("re-post after dedup window but before repeat interval", alert(Severity.WARNING, Map.of(), false),
                        firingFor(Duration.ofHours(1)), List.of(), List.of(), Disposition.DUPLICATE, Set.of()),
                Arguments.of("still firing after repeat interval", alert(Severity.WARNING, Map.of(), false),
                        firingFor(Duration.ofHours(4)), List.of(), List.of(), Disposition.REPEAT, Set.of("slack")),
                Arguments.of("fires again after it was resolved", alert(Severity.WARNING, Map.of(), false),
                        new AlertState("k1", false, NOW.minusSeconds(10), Map.of()), List.of(), List.of(), Disposition.NOTIFY, Set.of("slack")),
                Arguments.of("resolve of a firing alert", alert(Severity.WARNING, Map.of(), true),
                        firingFor(Duration.ofSeconds(10)), List.of(), List.of(), Disposition.RESOLVED, Set.of("slack")),
                Arguments.of("resolve with nothing firing", alert(Severity.WARNING, Map.of(), true),
                        null, List.of(), List.of(), Disposition.NOTHING_TO_RESOLVE, Set.of()),
                Arguments.of("second resolve", alert(Severity.WARNING, Map.of(), true),
                        new AlertState("k1", false, NOW.minusSeconds(10), Map.of()), List.of(), List.of(), Disposition.NOTHING_TO_RESOLVE, Set.of()),
                Arguments.of("silenced site", alert(Severity.CRITICAL, siteA, false),
                        null, List.of(SILENCE_SITE_A), List.of(), Disposition.SILENCED, Set.of()),
                Arguments.of("expired silence mutes nothing", alert(Severity.WARNING, siteA, false),
                        null, List.of(EXPIRED), List.of(), Disposition.NOTIFY, Set.of("slack")),
                Arguments.of("silence on another site", alert(Severity.WARNING, Map.of("site", "b"), false),
                        null, List.of(SILENCE_SITE_A), List.of(), Disposition.NOTIFY, Set.of("slack")),
                Arguments.of("check down on a failed-over site is inhibited", alert(Severity.WARNING, checkDownA, false),
                        null, List.of(), List.of(FAILED_OVER_A), Disposition.INHIBITED, Set.of()),
                Arguments.of("check down on the other site is not", alert(Severity.WARNING, checkDownB, false),
                        null, List.of(), List.of(FAILED_OVER_A), Disposition.NOTIFY, Set.of("slack")),
                Arguments.of("resolution bypasses silences so people hear the end of what they heard",
                        alert(Severity.WARNING, siteA, true), firingFor(Duration.ofMinutes(1)), List.of(SILENCE_SITE_A), List.of(),
                        Disposition.RESOLVED, Set.of("slack")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decides(String name, Alert alert, AlertState previous, List<Silence> silences, List<AlertState> firing,
            Disposition expected, Set<String> channels) {
        AlertPolicy.Decision d = POLICY.decide(alert, previous, silences, firing, NOW);
        assertThat(d.disposition()).as(d.reason()).isEqualTo(expected);
        assertThat(d.channels()).containsExactlyInAnyOrderElementsOf(channels);
        assertThat(d.disposition().sends()).isEqualTo(!channels.isEmpty());
    }
}
