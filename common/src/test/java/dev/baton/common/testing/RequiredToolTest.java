package dev.baton.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowable;

import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** A missing tool is a failure under CI=true (so CI cannot go green with real-part tests skipped), a skip elsewhere. */
class RequiredToolTest {

    @Test
    void aMissingToolFailsUnderCiAndSkipsElsewhere() {
        Throwable t = catchThrowable(() -> RequiredTool.require(false, "knotd (apt-get install knot)"));

        if (RequiredTool.underCi()) {
            assertThat(t).isInstanceOf(AssertionError.class).hasMessageContaining("CI=true and knotd (apt-get install knot) is missing");
        } else {
            assertThat(t).isInstanceOf(TestAbortedException.class).hasMessageContaining("knotd (apt-get install knot) is missing: skipping");
        }
        assertThatCode(() -> RequiredTool.require(true, "knotd")).doesNotThrowAnyException();
    }
}
