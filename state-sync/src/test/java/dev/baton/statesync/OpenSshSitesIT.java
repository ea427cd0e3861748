package dev.baton.statesync;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.baton.common.testing.OpenSshServer;
import dev.baton.common.testing.PackagedLog;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged state-sync against two accounts on Debian's OpenSSH server, set up as a new user would: keys from a
 * plain {@code ssh-keygen} (ed25519 on the primary; ECDSA user key and RSA host key on the standby, whose key has a
 * passphrase given through a file), {@code known_hosts} from {@code ssh-keyscan} hashed with {@code ssh-keygen -H}.
 * Continuous replication copies the state, and readiness tells the truth: DOWN with the reason while the standby
 * refuses (sshd stopped; a new host key), UP again once it is fixed.
 */
@QuarkusIntegrationTest
@WithTestResource(OpenSshSitesIT.Sites.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenSshSitesIT {
    private static final String TOKEN = "it-token-0123456789abcdef";
    private static final String PASSPHRASE = "standby key phrase 4242";

    static final class Places {
        OpenSshServer primary;
        OpenSshServer standby;
        Path primaryRoot;
        Path standbyRoot;
        Path standbyKnownHosts;
    }

    Places sites;

    public static class Sites implements QuarkusTestResourceLifecycleManager {
        private final Places p = new Places();

        @Override
        public Map<String, String> start() {
            OpenSshServer.require();
            Map<String, String> c = new HashMap<>();
            try {
                Path dir = Files.createTempDirectory("baton-openssh-it");
                p.primary = OpenSshServer.start(dir.resolve("primary-sshd"), List.of("ed25519"));
                p.standby = OpenSshServer.start(dir.resolve("standby-sshd"), List.of("rsa"));
                p.primaryRoot = Files.createDirectories(dir.resolve("primary/srv/trading"));
                p.standbyRoot = Files.createDirectories(dir.resolve("standby/srv/trading"));
                Files.createDirectories(p.primaryRoot.resolve("state"));
                Files.writeString(p.primaryRoot.resolve("state/positions.json"), "{\"ES\":{\"qty\":3}}\n");
                Path env = Files.writeString(p.primaryRoot.resolve(".env"), "IB_PASSWORD=hunter2-7f3c\n");
                Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
                Path passphraseFile = Files.writeString(dir.resolve("standby-passphrase"), PASSPHRASE + "\n");
                site(c, "primary", p.primary, p.primaryRoot, p.primary.userKey("id_ed25519", "ed25519", ""),
                        p.primary.knownHosts("known_hosts", true));
                p.standbyKnownHosts = p.standby.knownHosts("known_hosts", true);
                site(c, "standby", p.standby, p.standbyRoot, p.standby.userKey("id_ecdsa", "ecdsa", PASSPHRASE), p.standbyKnownHosts);
                c.put("baton.sync.sites.standby.private-key-passphrase-file", passphraseFile.toString());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            c.put("quarkus.http.host", "127.0.0.1");
            c.put("baton.auth.tokens", TOKEN);
            c.put("baton.sync.active.site", "primary");
            c.put("baton.sync.active.epoch", "0");
            c.put("baton.sync.continuous.interval", "200ms");
            return c;
        }

        private static void site(Map<String, String> c, String name, OpenSshServer s, Path root, Path key, Path knownHosts) {
            String k = "baton.sync.sites." + name + ".";
            c.put(k + "host", s.host());
            c.put(k + "port", String.valueOf(s.port()));
            c.put(k + "user", s.user());
            c.put(k + "private-key", key.toString());
            c.put(k + "known-hosts", knownHosts.toString());
            c.put(k + "root", root.toString());
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(p, new TestInjector.MatchesType(Places.class));
        }

        @Override
        public void stop() {
            if (p.primary != null) {
                p.primary.close();
            }
            if (p.standby != null) {
                p.standby.close();
            }
        }
    }

    @AfterEach
    void noSecretInTheLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", TOKEN, "key passphrase", PASSPHRASE, ".env contents", "hunter2-7f3c"));
    }

    @Test
    @Order(1)
    void continuousReplicationCopiesTheStateAndReadinessIsUp() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.isRegularFile(sites.standbyRoot.resolve("state/positions.json")));
        assertThat(Files.readString(sites.standbyRoot.resolve("state/positions.json"))).contains("\"qty\":3");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sites.standbyRoot.resolve(".env")))).isEqualTo("rw-------");
        given().get("/q/health/ready").then().statusCode(200).body("checks.find { it.name == 'replication' }.status", equalTo("UP"));
    }

    @Test
    @Order(2)
    void aStoppedStandbyMakesReadinessDownWithTheReasonUntilItIsBack() throws Exception {
        sites.standby.stop();
        try {
            awaitReadiness(503);
            given().get("/q/health/ready").then()
                    .body("checks.find { it.name == 'replication' }.data.'target.standby'", containsString("unreachable"));
        } finally {
            sites.standby.restart();
        }
        awaitReadiness(200);
    }

    @Test
    @Order(3)
    void aStandbyWithANewHostKeyIsRefusedNamingTheFingerprintUntilKnownHostsIsUpdated() throws Exception {
        sites.standby.newHostKeys();
        String fingerprint = sites.standby.hostFingerprint("rsa");
        // while sshd restarts the reason is "unreachable"; once it answers, the new key is what state-sync refuses
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            var r = given().get("/q/health/ready").then().extract();
            String reason = r.path("checks.find { it.name == 'replication' }.data.'target.standby'");
            return r.statusCode() == 503 && reason != null && reason.contains(fingerprint);
        });
        // the operator checks the new key and pins it, as the docs say: ssh-keyscan, then ssh-keygen -H
        Path fresh = sites.standby.knownHosts("known_hosts.new", true);
        Files.copy(fresh, sites.standbyKnownHosts, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        awaitReadiness(200);
        Files.writeString(sites.primaryRoot.resolve("state/positions.json"), "{\"ES\":{\"qty\":4}}\n");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Files.readString(sites.standbyRoot.resolve("state/positions.json")).contains("\"qty\":4"));
    }

    private static void awaitReadiness(int status) {
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> given().get("/q/health/ready").then().extract().statusCode() == status);
    }
}
