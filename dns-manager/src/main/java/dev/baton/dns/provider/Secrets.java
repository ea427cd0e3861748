package dev.baton.dns.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Reads a secret from a file (preferred) or an inline value; error messages name the key, never the value. */
public final class Secrets {

    private Secrets() {
    }

    public static Optional<String> read(String key, Optional<String> inline, Optional<Path> file) {
        if (file.isPresent()) {
            try {
                String s = Files.readString(file.get(), StandardCharsets.UTF_8).trim();
                if (s.isEmpty()) {
                    throw new IllegalStateException(key + "-file: " + file.get() + " is empty");
                }
                return Optional.of(s);
            } catch (IOException e) {
                throw new IllegalStateException(key + "-file: cannot read " + file.get() + " (" + e.getClass().getSimpleName() + ")");
            }
        }
        return inline.map(String::trim).filter(s -> !s.isEmpty());
    }

    public static String require(String key, Optional<String> inline, Optional<Path> file) {
        return read(key, inline, file).orElseThrow(() -> new IllegalStateException(key + " or " + key + "-file is required"));
    }
}
