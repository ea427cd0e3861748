package dev.baton.common.ssh;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how to reach a site over SSH. The host key must be listed in {@code knownHosts}
 * (OpenSSH format; use {@code [host]:port} for ports other than 22): Baton never trusts on first use.
 */
public record SshEndpoint(String host, int port, String user, Path privateKey, Path knownHosts) {

    public SshEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(knownHosts, "knownHosts");
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
    }

    /** {@code user@host:port}, for logs and errors (never includes key material). */
    public String describe() {
        return user + "@" + host + ":" + port;
    }
}
