package dev.baton.common.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log check names a leaked secret by label and line, never by value, and refuses to pass on an empty log. */
class PackagedLogTest {

    @TempDir
    Path dir;

    @Test
    void aLeakedSecretIsNamedByLabelAndLineNotByValue() throws Exception {
        Path log = Files.writeString(dir.resolve("quarkus.log"), "started\nAuthorization: Bearer s3cret-token-123\nstopped\n");

        assertThatThrownBy(() -> PackagedLog.assertNoSecret(log, Map.of("bearer token", "s3cret-token-123")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("bearer token on line 2")
                .hasMessageNotContaining("s3cret-token-123");
        assertThatCode(() -> PackagedLog.assertNoSecret(log, Map.of("other", "not-in-the-log"))).doesNotThrowAnyException();
    }

    @Test
    void anEmptyLogChecksNothingAndFails() throws Exception {
        Path log = Files.writeString(dir.resolve("quarkus.log"), "");
        assertThatThrownBy(() -> PackagedLog.assertNoSecret(log, Map.of("bearer token", "s3cret-token-123")))
                .hasMessageContaining("is empty");
    }
}
