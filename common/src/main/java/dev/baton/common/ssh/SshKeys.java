package dev.baton.common.ssh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.List;
import java.util.Locale;
import org.apache.sshd.client.config.hosts.KnownHostEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import java.io.InputStream;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;

/**
 * Private keys and {@code known_hosts} as OpenSSH writes them, loaded and checked once at startup so that a key
 * that cannot be used stops the service with one line naming the setting and the reason, instead of surfacing at
 * the first failover. Key files: {@code -----BEGIN OPENSSH PRIVATE KEY-----} (ed25519, ECDSA, RSA), PEM and PKCS#8,
 * encrypted ones with a {@link KeyPassphrase}. {@code known_hosts}: plain and hashed ({@code |1|...}) host names,
 * {@code [host]:port}, several key types per host, comments and {@code @revoked}; {@code @cert-authority} is refused.
 */
public final class SshKeys {
    private SshKeys() {
    }

    /**
     * Loads the key pair in {@code file}.
     *
     * @throws SshFailure of kind CONFIG with the reason (missing, unreadable, wrong or missing passphrase,
     *                    unsupported type, malformed); never with key material or the passphrase
     */
    public static KeyPair load(Path file, KeyPassphrase passphrase) throws SshFailure {
        if (!Files.exists(file)) {
            throw new SshFailure(SshFailure.Kind.CONFIG, "private key " + file + ": does not exist");
        }
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new SshFailure(SshFailure.Kind.CONFIG, "private key " + file + ": not readable by this process");
        }
        boolean[] asked = {false};
        FilePasswordProvider finder = (session, resource, retryIndex) -> {
            asked[0] = true;
            return passphrase.isPresent() ? passphrase.value() : null;
        };
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()), in, finder);
            if (keys != null) {
                for (KeyPair kp : keys) {
                    return kp;
                }
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new SshFailure(SshFailure.Kind.CONFIG, "private key " + file + ": " + reason(e, asked[0], passphrase), null);
        }
        throw new SshFailure(SshFailure.Kind.CONFIG, "private key " + file + ": no key found (not an OpenSSH, PEM or PKCS#8 private key file)");
    }

    private static String reason(Exception e, boolean asked, KeyPassphrase passphrase) {
        String msg = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        if (asked && !passphrase.isPresent()) {
            return "the key is encrypted and no passphrase is configured";
        }
        if (asked) {
            return "cannot decrypt it: wrong passphrase";
        }
        if (msg.contains("unsupported") || msg.contains("nosuchalgorithm") || e instanceof java.security.NoSuchAlgorithmException) {
            return "unsupported key type (" + e.getClass().getSimpleName() + ")";
        }
        return "malformed key file (" + e.getClass().getSimpleName() + ")";
    }

    /** A startup check: {@link #load} or an {@link IllegalArgumentException} whose message starts with {@code configKey}. */
    public static void check(String configKey, Path file, KeyPassphrase passphrase) {
        try {
            load(file, passphrase);
        } catch (SshFailure e) {
            throw new IllegalArgumentException(configKey + ": " + e.getMessage());
        }
    }

    /**
     * A startup check of a {@code known_hosts} file: readable, every line an OpenSSH entry, no {@code @cert-authority}
     * (host certificates are not supported: pin the host keys themselves), at least one usable entry.
     *
     * @throws IllegalArgumentException whose message starts with {@code configKey}
     */
    public static void checkKnownHosts(String configKey, Path file) {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new IllegalArgumentException(configKey + ": known_hosts file " + file + " is not readable by this process");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(configKey + ": cannot read " + file + " (" + e.getClass().getSimpleName() + ")");
        }
        int usable = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("@cert-authority")) {
                throw new IllegalArgumentException(configKey + ": " + file + " line " + (i + 1)
                        + " is a @cert-authority entry; host certificates are not supported, list the host keys themselves (ssh-keyscan)");
            }
            KnownHostEntry entry;
            try {
                entry = KnownHostEntry.parseKnownHostEntry(line);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(configKey + ": " + file + " line " + (i + 1) + " is not a known_hosts entry");
            }
            if (entry == null || entry.getKeyEntry() == null) {
                throw new IllegalArgumentException(configKey + ": " + file + " line " + (i + 1) + " is not a known_hosts entry");
            }
            try {
                entry.getKeyEntry().resolvePublicKey(null, null, null);
            } catch (IOException | GeneralSecurityException | RuntimeException e) {
                throw new IllegalArgumentException(configKey + ": " + file + " line " + (i + 1) + ": unsupported or malformed "
                        + entry.getKeyEntry().getKeyType() + " key");
            }
            if (!"revoked".equals(entry.getMarker())) {
                usable++;
            }
        }
        if (usable == 0) {
            throw new IllegalArgumentException(configKey + ": " + file + " lists no host key");
        }
    }

    /** {@code SHA256:...} as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(java.security.PublicKey key) {
        return KeyUtils.getFingerPrint(key);
    }

}
