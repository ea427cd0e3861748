package dev.baton.common.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.testing.OpenSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.sshd.sftp.client.SftpClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Baton's SSH client against Debian's OpenSSH server, with keys and {@code known_hosts} made by OpenSSH's own tools
 * exactly as the docs tell users to: every key type as user key and as host key, hashed {@code known_hosts}, several
 * pinned types for one host, {@code @revoked}, a wrong host key, a passphrase key, and key files that cannot be used.
 */
class OpenSshPeerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static Path dir;
    /** One server per host key type, and one offering all three. */
    private static Map<String, OpenSshServer> servers;
    private static OpenSshServer all;
    private static SshConnector connector;

    @BeforeAll
    static void startServers(@TempDir Path tmp) throws IOException {
        OpenSshServer.require();
        dir = tmp;
        servers = new java.util.LinkedHashMap<>();
        for (String type : List.of("ed25519", "ecdsa", "rsa")) {
            servers.put(type, OpenSshServer.start(tmp.resolve("host-" + type), List.of(type)));
        }
        all = OpenSshServer.start(tmp.resolve("host-all"), List.of("ed25519", "ecdsa", "rsa"));
        connector = new SshConnector();
    }

    @AfterAll
    static void stopServers() {
        if (connector != null) {
            connector.close();
        }
        if (servers != null) {
            servers.values().forEach(OpenSshServer::close);
        }
        if (all != null) {
            all.close();
        }
    }

    @ParameterizedTest(name = "user key {0}, host key {1}")
    @CsvSource({"ed25519,ed25519", "ed25519,ecdsa", "ed25519,rsa", "ecdsa,ed25519", "ecdsa,ecdsa", "ecdsa,rsa",
            "rsa,ed25519", "rsa,ecdsa", "rsa,rsa"})
    void everyKeyTypeAsUserKeyAndAsHostKey(String userType, String hostType) throws Exception {
        OpenSshServer server = servers.get(hostType);
        Path key = server.userKey("id_" + userType + "_" + System.nanoTime(), userType, "");
        Path knownHosts = server.knownHosts("known_hosts_" + userType, true);

        try (SshConnection c = connector.connect(endpoint(server, key, knownHosts, KeyPassphrase.none()), TIMEOUT)) {
            ExecResult r = c.exec("echo \"$BATON_EPOCH on $(hostname)\"", Map.of("BATON_EPOCH", "7"), TIMEOUT);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).startsWith("7 on ");
        }
    }

    @ParameterizedTest(name = "{0} key in {1} format")
    @CsvSource({"rsa,PEM", "ecdsa,PEM", "rsa,PKCS8", "ecdsa,PKCS8"})
    void pemAndPkcs8KeyFilesWorkToo(String type, String format) throws Exception {
        OpenSshServer server = servers.get("ed25519");
        Path key = dir.resolve("id_" + type + "_" + format);
        OpenSshServer.keygen(key, type, "", "baton-test", format);
        assertThat(Files.readString(key)).startsWith(format.equals("PEM") ? "-----BEGIN " + (type.equals("rsa") ? "RSA" : "EC") + " PRIVATE KEY-----"
                : "-----BEGIN PRIVATE KEY-----");
        java.nio.file.Files.writeString(server.dir().resolve("authorized_keys"), Files.readString(key.resolveSibling(key.getFileName() + ".pub")),
                java.nio.file.StandardOpenOption.APPEND);

        try (SshConnection c = connector.connect(endpoint(server, key, server.knownHosts("kh_" + type + format, true), KeyPassphrase.none()), TIMEOUT)) {
            assertThat(c.exec("true", TIMEOUT).exitCode()).isZero();
        }
    }

    @Test
    void sftpWorksOnTheRealServer() throws Exception {
        OpenSshServer server = servers.get("ed25519");
        Path key = server.userKey("id_sftp", "ed25519", "");
        Path site = Files.createDirectories(dir.resolve("sftp-site"));
        Files.writeString(site.resolve("positions.json"), "{\"ES\":3}\n");
        try (SshConnection c = connector.connect(endpoint(server, key, server.knownHosts("kh_sftp", true), KeyPassphrase.none()), TIMEOUT);
                SftpClient sftp = c.sftp()) {
            assertThat(sftp.stat(site.resolve("positions.json").toString()).getSize()).isEqualTo(9);
        }
    }

    @Test
    void aHostListedWithSeveralKeyTypesIsAcceptedByAnyPinnedOneItOffers() throws Exception {
        Path key = all.userKey("id_several", "ed25519", "");
        // known_hosts pins only the ECDSA and RSA keys; the server offers all three
        Path knownHosts = all.knownHosts("kh_several", false, "ecdsa", "rsa");

        try (SshConnection c = connector.connect(endpoint(all, key, knownHosts, KeyPassphrase.none()), TIMEOUT)) {
            assertThat(c.exec("true", TIMEOUT).exitCode()).isZero();
        }
    }

    @Test
    void aWrongHostKeyIsRefusedWithTheFingerprintItPresented() throws Exception {
        OpenSshServer server = servers.get("ed25519");
        Path key = server.userKey("id_wrong", "ed25519", "");
        // another server's ed25519 key written down for this host and port: an impostor, or a reinstalled host
        String other = all.hostPublicKey("ed25519");
        Path knownHosts = Files.writeString(dir.resolve("kh_wrong"), "[127.0.0.1]:" + server.port() + " " + other + "\n");

        assertThatThrownBy(() -> connector.connect(endpoint(server, key, knownHosts, KeyPassphrase.none()), TIMEOUT))
                .isInstanceOfSatisfying(SshFailure.class, f -> {
                    assertThat(f.kind()).isEqualTo(SshFailure.Kind.CHANGED_HOST_KEY);
                    try {
                        assertThat(f.getMessage()).contains(server.hostFingerprint("ed25519")).contains(all.hostFingerprint("ed25519"));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                });
    }

    @Test
    void aRevokedHostKeyIsRefused() throws Exception {
        OpenSshServer server = servers.get("ecdsa");
        Path key = server.userKey("id_revoked", "ed25519", "");
        Path knownHosts = Files.writeString(dir.resolve("kh_revoked"), "@revoked [127.0.0.1]:" + server.port() + " "
                + server.hostPublicKey("ecdsa") + "\n" + Files.readString(server.knownHosts("kh_revoked_base", false)));

        assertThatThrownBy(() -> connector.connect(endpoint(server, key, knownHosts, KeyPassphrase.none()), TIMEOUT))
                .isInstanceOf(SshFailure.class);
    }

    @Test
    void aPassphraseKeyWorksWithItsPassphraseFromAFile() throws Exception {
        OpenSshServer server = servers.get("ed25519");
        Path key = server.userKey("id_locked", "ed25519", "correct horse battery staple");
        Path file = Files.writeString(dir.resolve("passphrase"), "correct horse battery staple\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

        try (SshConnection c = connector.connect(endpoint(server, key, server.knownHosts("kh_locked", true), KeyPassphrase.fromFile(file)), TIMEOUT)) {
            assertThat(c.exec("true", TIMEOUT).exitCode()).isZero();
        }
        assertThat(KeyPassphrase.fromFile(file).toString()).doesNotContain("horse");
    }

    @ParameterizedTest
    @ValueSource(strings = {"missing", "unreadable", "malformed", "public-key-instead", "no-passphrase", "wrong-passphrase"})
    void aKeyThatCannotBeUsedFailsTheStartupCheckNamingTheSettingAndTheReason(String fault) throws Exception {
        Path key = dir.resolve("bad-" + fault);
        KeyPassphrase passphrase = KeyPassphrase.none();
        String reason;
        switch (fault) {
            case "missing" -> reason = "does not exist";
            case "unreadable" -> {
                OpenSshServer.keygen(key, "ed25519", "", "t");
                Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("---------"));
                reason = "not readable";
            }
            case "malformed" -> {
                Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nbm90IGEga2V5\n-----END OPENSSH PRIVATE KEY-----\n");
                reason = "malformed";
            }
            case "public-key-instead" -> {
                OpenSshServer.keygen(dir.resolve("pub-src"), "ed25519", "", "t");
                Files.copy(dir.resolve("pub-src.pub"), key);
                reason = "no key found";
            }
            case "no-passphrase" -> {
                OpenSshServer.keygen(key, "ed25519", "s3cret-phrase", "t");
                reason = "encrypted and no passphrase is configured";
            }
            default -> {
                OpenSshServer.keygen(key, "ecdsa", "s3cret-phrase", "t");
                passphrase = KeyPassphrase.of("not-the-phrase");
                reason = "wrong passphrase";
            }
        }
        if (fault.equals("unreadable") && System.getProperty("user.name").equals("root")) {
            return; // root reads any file: nothing to show
        }
        KeyPassphrase p = passphrase;
        assertThatThrownBy(() -> SshKeys.check("baton.sync.sites.primary.private-key", key, p))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("baton.sync.sites.primary.private-key: private key " + key)
                .hasMessageContaining(reason)
                .hasMessageNotContaining("s3cret").hasMessageNotContaining("not-the-phrase");
    }

    @Test
    void knownHostsAsSshKeyscanWritesItPassesTheStartupCheckAndACertAuthorityIsRefusedByName() throws Exception {
        OpenSshServer server = servers.get("rsa");
        SshKeys.checkKnownHosts("baton.sync.sites.standby.known-hosts", server.knownHosts("kh_check", true, "rsa"));

        Path ca = Files.writeString(dir.resolve("kh_ca"), "# our CA\n@cert-authority *.example.com " + server.hostPublicKey("rsa") + "\n");
        assertThatThrownBy(() -> SshKeys.checkKnownHosts("baton.sync.sites.standby.known-hosts", ca))
                .hasMessageStartingWith("baton.sync.sites.standby.known-hosts: ").hasMessageContaining("line 2 is a @cert-authority entry");
        Path junk = Files.writeString(dir.resolve("kh_junk"), "this is not a known_hosts line\n");
        assertThatThrownBy(() -> SshKeys.checkKnownHosts("baton.sync.sites.standby.known-hosts", junk))
                .hasMessageContaining("line 1");
    }

    private static SshEndpoint endpoint(OpenSshServer server, Path key, Path knownHosts, KeyPassphrase passphrase) {
        return new SshEndpoint(server.host(), server.port(), server.user(), key, knownHosts, passphrase);
    }
}
