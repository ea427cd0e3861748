package dev.baton.healthchecker.verdict;

import static dev.baton.common.wire.HealthStatus.DOWN;
import static dev.baton.common.wire.HealthStatus.UNKNOWN;
import static dev.baton.common.wire.HealthStatus.UP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.HealthStatus;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A site is DOWN if any critical check is DOWN, UP if all are UP, otherwise UNKNOWN. */
class SiteStatusTest {

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of(List.of(), UNKNOWN),
                Arguments.of(List.of(UP), UP),
                Arguments.of(List.of(UP, UP, UP), UP),
                Arguments.of(List.of(UP, UNKNOWN), UNKNOWN),
                Arguments.of(List.of(UNKNOWN, UNKNOWN), UNKNOWN),
                Arguments.of(List.of(UP, DOWN), DOWN),
                Arguments.of(List.of(UNKNOWN, DOWN), DOWN),
                Arguments.of(List.of(DOWN), DOWN));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("table")
    void siteStatusFromCriticalChecks(List<HealthStatus> critical, HealthStatus expected) {
        assertThat(SiteStatus.of(critical)).isEqualTo(expected);
    }
}
