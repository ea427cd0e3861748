package dev.baton.common.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueryDurationsTest {

    @ParameterizedTest
    @CsvSource({"30,PT30S", "5s,PT5S", "500ms,PT0.5S", "2m,PT2M", "1h,PT1H", "PT5S,PT5S", "pt1m30s,PT1M30S", "' 7s ',PT7S", "0,PT0S"})
    void takesTheFormsConfigurationTakes(String query, String expected) {
        assertThat(QueryDurations.parse("wait", query)).contains(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"soon", "5 parsecs", "-5s", "PT-1S", "1e3", "s"})
    void anythingElseIsTheCallersMistakeNamingTheParameter(String query) {
        assertThatThrownBy(() -> QueryDurations.parse("wait", query)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("wait must be a duration").hasMessageContaining("500ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void absentIsEmpty(String query) {
        assertThat(QueryDurations.parse("wait", query)).isEmpty();
        assertThat(QueryDurations.parse("wait", null)).isEmpty();
    }
}
