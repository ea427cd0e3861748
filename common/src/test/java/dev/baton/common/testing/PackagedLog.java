package dev.baton.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The log of the packaged service a {@code @QuarkusIntegrationTest} runs ({@code target/quarkus.log}): no configured
 * secret may ever appear in it (DESIGN.md invariant 6). A failure names the secret by its label and the line
 * number, never its value.
 */
public final class PackagedLog {
    /** Where Quarkus' integration-test launcher writes the service's log, from the module directory. */
    public static final Path LOG = Path.of("target", "quarkus.log");

    private PackagedLog() {
    }

    /** Fails when the log is missing or any of {@code secrets} (label -> value) occurs in it. */
    public static void assertNoSecret(Map<String, String> secrets) {
        assertNoSecret(LOG, secrets);
    }

    public static void assertNoSecret(Path log, Map<String, String> secrets) {
        List<String> lines;
        try {
            lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("the packaged service's log " + log + " is not readable", e);
        }
        if (lines.isEmpty()) {
            throw new AssertionError(log + " is empty: the service's log was not captured, so nothing was checked");
        }
        List<String> found = new ArrayList<>();
        secrets.forEach((label, value) -> {
            if (value == null || value.length() < 6) {
                throw new IllegalArgumentException("secret '" + label + "' is too short to look for");
            }
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(value)) {
                    found.add(label + " on line " + (i + 1));
                }
            }
        });
        if (!found.isEmpty()) {
            throw new AssertionError(log + " (" + lines.size() + " lines) contains configured secrets: " + String.join(", ", found));
        }
    }
}
