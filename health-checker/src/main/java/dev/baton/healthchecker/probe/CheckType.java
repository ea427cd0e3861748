package dev.baton.healthchecker.probe;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of probe, by the name configuration and the wire use. */
public enum CheckType {
    HTTP("http", false),
    TCP("tcp", false),
    POSTGRES("postgres", false),
    SSH_COMMAND("ssh-command", true),
    PROCESS("process", true);

    private final String wireName;
    private final boolean blocking;

    CheckType(String wireName, boolean blocking) {
        this.wireName = wireName;
        this.blocking = blocking;
    }

    public String wireName() {
        return wireName;
    }

    /** Whether the probe blocks a thread (and so runs on the blocking pool, never on an event loop). */
    public boolean blocking() {
        return blocking;
    }

    public static Optional<CheckType> of(String name) {
        return Arrays.stream(values()).filter(t -> t.wireName.equals(name)).findFirst();
    }

    public static String known() {
        return Arrays.stream(values()).map(CheckType::wireName).collect(Collectors.joining(", "));
    }
}
