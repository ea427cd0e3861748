package dev.baton.healthchecker.probe;

import static dev.baton.healthchecker.testing.Checks.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.ssh.SshConnector;
import dev.baton.common.testing.OpenSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ssh-command probe against Debian's OpenSSH server with an ed25519 host key, an ed25519 user key and a hashed
 * known_hosts from ssh-keyscan: the commands run in the real server's shell, Nagios exit codes judged as usual; a
 * stopped sshd is DOWN and the restarted one UP; a host key that is not pinned is refused naming its fingerprint.
 */
class SshCommandProbeOpenSshTest {
    private static OpenSshServer server;
    private static SshConnector connector;
    private static SshCommandProbe probe;
    private static Path key;
    private static Path knownHosts;
    private static Path dir;

    @BeforeAll
    static void start(@TempDir Path tmp) throws Exception {
        OpenSshServer.require();
        dir = tmp;
        server = OpenSshServer.start(tmp.resolve("sshd"), List.of("ed25519"));
        key = server.userKey("id_ed25519", "ed25519", "");
        knownHosts = server.knownHosts("known_hosts", true);
        connector = new SshConnector();
        probe = new SshCommandProbe(connector);
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ProbeOutcome run(String command, Path pinned) throws Exception {
        Map<String, String> options = new HashMap<>();
        options.put("ssh.host", server.host());
        options.put("ssh.port", String.valueOf(server.port()));
        options.put("ssh.user", server.user());
        options.put("ssh.private-key", key.toString());
        options.put("ssh.known-hosts", pinned.toString());
        options.put("timeout", "10s");
        options.put("interval", "15s");
        return probe.probe(check("ssh-command", command, options)).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void theRealShellsExitCodesAreJudgedTheNagiosWay() throws Exception {
        assertThat(run("test -d /", knownHosts).success()).isTrue();
        ProbeOutcome warning = run("echo 'DISK WARNING - 91% used'; exit 1", knownHosts);
        assertThat(warning.success()).isTrue();
        assertThat(warning.message()).isEqualTo("warning: exit 1: DISK WARNING - 91% used");
        ProbeOutcome down = run("echo 'CRITICAL - engine not running' >&2; exit 2", knownHosts);
        assertThat(down.success()).isFalse();
        assertThat(down.message()).isEqualTo("exit 2: CRITICAL - engine not running");
    }

    @Test
    void aHostKeyThatIsNotPinnedIsRefusedNamingItsFingerprint() throws Exception {
        OpenSshServer.keygen(dir.resolve("other_host_key"), "ed25519", "", "other");
        Path other = Files.writeString(dir.resolve("kh_other"), "[127.0.0.1]:" + server.port() + " "
                + Files.readString(dir.resolve("other_host_key.pub")));

        ProbeOutcome outcome = run("true", other);

        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("ssh changed host key:").contains(server.hostFingerprint("ed25519"));
    }

    @Test
    void aStoppedSshdIsDownAndTheRestartedOneUp() throws Exception {
        server.stop();
        try {
            ProbeOutcome outcome = run("true", knownHosts);
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.message()).startsWith("ssh unreachable:");
        } finally {
            server.restart();
        }
        assertThat(run("true", knownHosts).success()).isTrue();
    }
}
