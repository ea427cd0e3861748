package dev.baton.statesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Both hash commands a site may have answer in a form the stream's verification reads by name. */
class HashOutputTest {
    private static final String A = "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb";
    private static final String B = "3e23e8160039594a33894f6564e1b1348bbd7a0088d42c4acb73eeaed59c009d";

    @Test
    void coreutilsSha256sumLinesAreReadByName() {
        String out = A + "  state/a b.json\n" + B + "  -x\n";
        assertThat(StreamCopy.hashes(out.getBytes(StandardCharsets.UTF_8)))
                .containsEntry("state/a b.json", A).containsEntry("-x", B).hasSize(2);
    }

    @Test
    void opensslDgstLinesAreReadByName() {
        String out = A + " *state/we\\ird\n" + B + " *.env\n";
        assertThat(StreamCopy.hashes(out.getBytes(StandardCharsets.UTF_8)))
                .containsEntry("state/we\\ird", A).containsEntry(".env", B);
    }

    @Test
    void aNameSha256sumHadToEscapeCountsAsNotVerified() {
        String out = "\\" + A + "  state/we\\\\ird\n";
        assertThat(StreamCopy.hashes(out.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
