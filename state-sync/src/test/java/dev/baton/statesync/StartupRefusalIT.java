package dev.baton.statesync;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.OpenSshServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The packaged state-sync refuses to start when a site's private key cannot be used, with a line that names the
 * setting and the reason (and never the passphrase), instead of starting "ready" and failing every cycle.
 */
class StartupRefusalIT {
    private static final Path JAR = Path.of("target/quarkus-app/quarkus-run.jar");

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"missing", "encrypted-without-passphrase", "wrong-passphrase", "malformed"})
    void aKeyThatCannotBeUsedStopsTheServiceNamingTheKey(String fault) throws Exception {
        OpenSshServer.require();
        Path key = dir.resolve("id_" + fault);
        Map<String, String> env = new java.util.HashMap<>();
        String reason = switch (fault) {
            case "missing" -> "does not exist";
            case "encrypted-without-passphrase" -> {
                OpenSshServer.keygen(key, "ed25519", "phrase-31337", "t");
                yield "the key is encrypted and no passphrase is configured";
            }
            case "wrong-passphrase" -> {
                OpenSshServer.keygen(key, "ed25519", "phrase-31337", "t");
                env.put("BATON_SYNC_SITES_PRIMARY_PRIVATE_KEY_PASSPHRASE", "not-it-4711");
                yield "wrong passphrase";
            }
            default -> {
                Files.writeString(key, "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n");
                yield "malformed";
            }
        };
        OpenSshServer.keygen(dir.resolve("id_ok"), "ed25519", "", "t");
        Path knownHosts = Files.writeString(dir.resolve("known_hosts"), "[127.0.0.1]:2222 " + Files.readString(dir.resolve("id_ok.pub")));
        site(env, "PRIMARY", key, knownHosts);
        site(env, "STANDBY", dir.resolve("id_ok"), knownHosts);

        String output = run(env);

        assertThat(output).contains("baton.sync.sites.primary.private-key: private key " + key + ": ")
                .contains(reason).doesNotContain("phrase-31337").doesNotContain("not-it-4711")
                .doesNotContain("baton.sync.sites.standby.private-key");
    }

    @Test
    void aCertAuthorityInKnownHostsIsRefusedByName() throws Exception {
        OpenSshServer.require();
        OpenSshServer.keygen(dir.resolve("id_ok"), "ed25519", "", "t");
        Path ca = Files.writeString(dir.resolve("known_hosts"), "@cert-authority *.trading.example " + Files.readString(dir.resolve("id_ok.pub")));
        Map<String, String> env = new java.util.HashMap<>();
        site(env, "PRIMARY", dir.resolve("id_ok"), ca);
        site(env, "STANDBY", dir.resolve("id_ok"), ca);

        assertThat(run(env)).contains("baton.sync.sites.primary.known-hosts: ").contains("@cert-authority entry");
    }

    private static void site(Map<String, String> env, String name, Path key, Path knownHosts) {
        String p = "BATON_SYNC_SITES_" + name + "_";
        env.put(p + "HOST", "127.0.0.1");
        env.put(p + "PORT", "2222");
        env.put(p + "PRIVATE_KEY", key.toString());
        env.put(p + "KNOWN_HOSTS", knownHosts.toString());
        env.put(p + "ROOT", "/srv/trading");
    }

    /** Runs the jar until it exits (it must: a refused start), returning what it printed. */
    private String run(Map<String, String> env) throws Exception {
        assertThat(JAR).as("the packaged service (failsafe runs after package)").isRegularFile();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m",
                "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
        pb.environment().put("QUARKUS_HTTP_PORT", "0");
        pb.environment().put("BATON_AUTH_TOKENS", "startup-token-0123456789");
        pb.environment().put("BATON_SYNC_CONTINUOUS_ENABLED", "false");
        Process p = pb.start();
        boolean exited = p.waitFor(90, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(dir.resolve("out.log"), StandardCharsets.UTF_8);
        assertThat(exited).as("state-sync must refuse to start; it printed:\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isNotZero();
        return output;
    }
}
