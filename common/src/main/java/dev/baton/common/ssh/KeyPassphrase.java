package dev.baton.common.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The passphrase of an encrypted private key: given inline (from an environment variable, through the config) or
 * read from a file (its first line). Never printed: {@link #toString()} hides it, and no message carries it.
 */
public final class KeyPassphrase {
    private static final KeyPassphrase NONE = new KeyPassphrase(null);
    private final String value;

    private KeyPassphrase(String value) {
        this.value = value;
    }

    public static KeyPassphrase none() {
        return NONE;
    }

    public static KeyPassphrase of(String value) {
        return value == null || value.isEmpty() ? NONE : new KeyPassphrase(value);
    }

    /** The first line of {@code file}, without its line ending. */
    public static KeyPassphrase fromFile(Path file) throws IOException {
        String content = Files.readString(file, StandardCharsets.UTF_8);
        int end = content.indexOf('\n');
        String first = end < 0 ? content : content.substring(0, end);
        return of(first.endsWith("\r") ? first.substring(0, first.length() - 1) : first);
    }

    /**
     * From a service's two optional settings: the inline value wins over the file; neither means no passphrase.
     *
     * @throws IllegalArgumentException naming {@code fileKey} when the file cannot be read
     */
    public static KeyPassphrase from(Optional<String> inline, Optional<Path> file, String fileKey) {
        if (inline.isPresent() && !inline.get().isEmpty()) {
            return of(inline.get());
        }
        if (file.isEmpty()) {
            return NONE;
        }
        try {
            return fromFile(file.get());
        } catch (IOException e) {
            throw new IllegalArgumentException(fileKey + ": cannot read the passphrase file " + file.get() + " ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    public boolean isPresent() {
        return value != null;
    }

    /** For the key parser only. */
    String value() {
        return value;
    }

    @Override
    public String toString() {
        return value == null ? "none" : "***";
    }
}
