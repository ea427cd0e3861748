package dev.baton.coordinator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A failback target's engine is stopped on purpose (it was fenced), so its engine checks are DOWN while
 * the host is ready: with {@code policy.target-ready-ignores} the policy judges the target without them.
 */
class TargetReadinessTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private final FailoverPolicy policy = new FailoverPolicy();

    /** Standby active; every observer sees the primary's engine DOWN (fenced) and its host UP. */
    private static PolicyInput failbackInput(Pattern ignore, HealthStatus primaryHost) {
        Map<String, ObserverView> views = new HashMap<>();
        for (String o : List.of("a", "b", "c")) {
            views.put(o, new ObserverView(o, NOW.minusSeconds(1), Map.of(
                    "primary", new ObserverView.SiteView(HealthStatus.DOWN, NOW.minusSeconds(600),
                            Map.of("primary-engine", HealthStatus.DOWN, "primary-host", primaryHost)),
                    "standby", new ObserverView.SiteView(HealthStatus.UP, NOW.minusSeconds(600),
                            Map.of("standby-engine", HealthStatus.UP, "standby-host", HealthStatus.UP)))));
        }
        PolicySettings s = new PolicySettings(Set.of("a", "b", "c"), 2, Duration.ofSeconds(30), Duration.ofSeconds(30),
                Duration.ofMinutes(5), 5, true, Duration.ofMinutes(15), List.of(), true, false, false, Duration.ofSeconds(60), ignore);
        return new PolicyInput(NOW, FailoverState.STANDBY_ACTIVE, "standby", "primary", false, false, null, false, views,
                List.of(NOW.minus(Duration.ofHours(1))), NOW.minus(Duration.ofHours(1)), NOW.minusSeconds(5), null, s);
    }

    private static Condition targetUp(Decision d) {
        return d.conditions().stream().filter(c -> c.name().equals(FailoverPolicy.TARGET_UP)).findFirst().orElseThrow();
    }

    @Test
    void withoutThePatternAFencedEngineBlocksFailback() {
        Decision d = policy.decideManual(failbackInput(null, HealthStatus.UP), false, true);
        assertThat(targetUp(d).held()).isFalse();
        assertThat(d.proceeds()).isFalse();
    }

    @Test
    void ignoringEngineChecksJudgesTheTargetByItsHost() {
        Decision d = policy.decideManual(failbackInput(Pattern.compile(".*-engine"), HealthStatus.UP), false, true);
        assertThat(targetUp(d).held()).as(d.toString()).isTrue();
        assertThat(d.proceeds()).isTrue();
    }

    @Test
    void aDownHostStillBlocksEvenWithThePattern() {
        Decision d = policy.decideManual(failbackInput(Pattern.compile(".*-engine"), HealthStatus.DOWN), false, true);
        assertThat(targetUp(d).held()).isFalse();
    }
}
