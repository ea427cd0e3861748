package dev.baton.common.ssh;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how to reach a site over SSH. The host key must be listed in {@code knownHosts}
 * (OpenSSH format, as {@code ssh-keyscan} writes it: {@code [host]:port} for ports other than 22, hashed or not):
 * Baton never trusts on first use. {@code passphrase} unlocks an encrypted private key ({@link KeyPassphrase#none()}
 * for a plain one); the record's string form never shows it.
 */
public record SshEndpoint(String host, int port, String user, Path privateKey, Path knownHosts, KeyPassphrase passphrase) {

    public SshEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(privateKey, "privateKey");
        Objects.requireNonNull(knownHosts, "knownHosts");
        passphrase = passphrase == null ? KeyPassphrase.none() : passphrase;
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port must be 1-65535, was " + port);
        }
    }

    /** A site whose private key is not encrypted. */
    public SshEndpoint(String host, int port, String user, Path privateKey, Path knownHosts) {
        this(host, port, user, privateKey, knownHosts, KeyPassphrase.none());
    }

    /** {@code user@host:port}, for logs and errors (never includes key material). */
    public String describe() {
        return user + "@" + host + ":" + port;
    }
}
