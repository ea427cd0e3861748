package dev.baton.drill.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The drill's state checks fail when the drill could not read a sequence number, instead of passing on -1. */
class ScenariosTest {

    @Test
    void anUnreadableSequenceNumberIsAFailedCheckNotAPass() {
        assertThat(Scenarios.noRegression(120, 120)).isTrue();
        assertThat(Scenarios.noRegression(120, 125)).isTrue();
        assertThat(Scenarios.noRegression(120, 119)).as("state went back").isFalse();
        assertThat(Scenarios.noRegression(-1, 5)).as("the old engine's last number unread").isFalse();
        assertThat(Scenarios.noRegression(-1, -1)).as("neither read").isFalse();
        assertThat(Scenarios.noRegression(120, -1)).as("the new engine's first number unread").isFalse();
    }
}
