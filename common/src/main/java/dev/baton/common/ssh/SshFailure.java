package dev.baton.common.ssh;

/** Why an SSH operation failed, so callers can tell "host is down" from "host is an impostor". */
public class SshFailure extends Exception {

    public enum Kind {
        /** TCP connect failed or timed out: the host or its sshd is unreachable. */
        UNREACHABLE,
        /** The server's host key is not in known_hosts. */
        UNKNOWN_HOST_KEY,
        /** known_hosts lists a different key for this host: possible impostor, refused. */
        CHANGED_HOST_KEY,
        /** Our key was not accepted. */
        AUTH_FAILED,
        /** The operation did not finish within its timeout. */
        TIMEOUT,
        /** Local configuration is unusable (missing key file, unreadable known_hosts). */
        CONFIG,
        /** Anything else on the wire. */
        PROTOCOL
    }

    private final Kind kind;

    public SshFailure(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public SshFailure(Kind kind, String message) {
        this(kind, message, null);
    }

    public Kind kind() {
        return kind;
    }
}
