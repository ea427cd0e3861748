package dev.baton.healthchecker.verdict;

import static dev.baton.common.wire.HealthStatus.DOWN;
import static dev.baton.common.wire.HealthStatus.UNKNOWN;
import static dev.baton.common.wire.HealthStatus.UP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.HealthStatus;
import dev.baton.healthchecker.probe.ProbeOutcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The threshold state machine as a table: a sequence of probe results ('+' success, '-' failure,
 * 'w' warning) against failureThreshold/successThreshold gives the status after each probe and the
 * number of transitions.
 */
class CheckStateTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    static Stream<Arguments> sequences() {
        return Stream.of(
                // sequence, failureThreshold, successThreshold, statuses after each probe, transitions
                Arguments.of("", 3, 2, "", 0),
                Arguments.of("+", 3, 2, "?", 0),
                Arguments.of("++", 3, 2, "?U", 1),
                Arguments.of("-", 3, 2, "?", 0),
                Arguments.of("---", 3, 2, "??D", 1),
                Arguments.of("+", 1, 1, "U", 1),
                Arguments.of("-", 1, 1, "D", 1),
                // once DOWN stays DOWN until successThreshold successes in a row
                Arguments.of("---+-++", 3, 2, "??DDDDU", 2),
                // flapping never reaches either threshold: the status holds (UNKNOWN at start)
                Arguments.of("+-+-+-+-", 3, 2, "????????", 0),
                // flapping after UP holds UP: no needless failover on a single lost probe
                Arguments.of("++-+-+--+", 3, 2, "?UUUUUUUU", 1),
                // a third consecutive failure after UP is a transition, counted once while failures continue
                Arguments.of("++-----", 3, 2, "?UUUDDD", 2),
                // a warning counts as a success
                Arguments.of("ww", 3, 2, "?U", 1),
                Arguments.of("---ww", 3, 2, "??DDU", 2));
    }

    @ParameterizedTest(name = "{0} with failure {1} success {2} -> {3}")
    @MethodSource("sequences")
    void thresholdsDecideTransitions(String sequence, int failureThreshold, int successThreshold, String expected,
            int expectedTransitions) {
        CheckState state = CheckState.initial(T0);
        StringBuilder statuses = new StringBuilder();
        int transitions = 0;
        for (char c : sequence.toCharArray()) {
            CheckState next = state.next(outcome(c), failureThreshold, successThreshold, T0.plusSeconds(statuses.length() + 1));
            if (next.isTransitionFrom(state)) {
                transitions++;
            }
            state = next;
            statuses.append(letter(state.status()));
        }
        assertThat(statuses.toString()).isEqualTo(expected);
        assertThat(transitions).isEqualTo(expectedTransitions);
    }

    @Test
    void startsUnknownNeverHealthy() {
        assertThat(CheckState.initial(T0).status()).isEqualTo(UNKNOWN);
    }

    @Test
    void countersResetOnTheOppositeResultAndSinceMarksTheTransition() {
        List<CheckState> states = new ArrayList<>();
        CheckState s = CheckState.initial(T0);
        String seq = "++--";
        for (int i = 0; i < seq.length(); i++) {
            s = s.next(outcome(seq.charAt(i)), 2, 2, T0.plusSeconds(i + 1));
            states.add(s);
        }
        assertThat(states.get(1).status()).isEqualTo(UP);
        assertThat(states.get(1).since()).isEqualTo(T0.plusSeconds(2));
        assertThat(states.get(2).consecutiveSuccesses()).isZero();
        assertThat(states.get(2).consecutiveFailures()).isEqualTo(1);
        assertThat(states.get(2).since()).isEqualTo(T0.plusSeconds(2));
        assertThat(states.get(3).status()).isEqualTo(DOWN);
        assertThat(states.get(3).since()).isEqualTo(T0.plusSeconds(4));
        assertThat(states.get(3).lastError()).isEqualTo("refused");
        assertThat(states.get(3).latencyMs()).isEqualTo(7);
    }

    @Test
    void aWarningIsUpButItsMessageIsKept() {
        CheckState s = CheckState.initial(T0).next(outcome('w'), 1, 1, T0);
        assertThat(s.status()).isEqualTo(UP);
        assertThat(s.lastError()).isEqualTo("warning: disk 91% full");
    }

    private static ProbeOutcome outcome(char c) {
        return switch (c) {
            case '+' -> ProbeOutcome.up(Duration.ofMillis(7));
            case '-' -> ProbeOutcome.down(Duration.ofMillis(7), "refused");
            case 'w' -> ProbeOutcome.warning(Duration.ofMillis(7), "disk 91% full");
            default -> throw new IllegalArgumentException(String.valueOf(c));
        };
    }

    private static char letter(HealthStatus s) {
        return switch (s) {
            case UP -> 'U';
            case DOWN -> 'D';
            case UNKNOWN -> '?';
        };
    }
}
