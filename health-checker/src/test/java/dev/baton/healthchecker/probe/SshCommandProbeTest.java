package dev.baton.healthchecker.probe;

import static dev.baton.healthchecker.testing.Checks.check;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.ssh.SshConnector;
import dev.baton.common.testing.CommandHandler.Reply;
import dev.baton.common.testing.EmbeddedSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ssh-command probe against a real SSH server answering with chosen exit codes. */
class SshCommandProbeTest {
    private static final String COMMAND = "docker inspect -f '{{.State.Running}}' trading-engine";
    private static EmbeddedSshServer server;
    private static SshConnector connector;
    private static SshCommandProbe probe;
    private static final CountDownLatch never = new CountDownLatch(1);

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedSshServer.start(Files.createTempDirectory("site"), request -> switch (request.command()) {
            case COMMAND -> Reply.ok("true\n");
            case "check-disk" -> new Reply(1, "DISK WARNING - 91% used\n", "");
            case "check-engine" -> new Reply(2, "", "CRITICAL - engine not running\n");
            case "hang" -> {
                never.await(30, TimeUnit.SECONDS);
                yield Reply.ok("");
            }
            default -> Reply.fail(127, "sh: not found\n");
        });
        connector = new SshConnector();
        probe = new SshCommandProbe(connector);
    }

    @AfterAll
    static void stop() throws Exception {
        never.countDown();
        connector.close();
        server.close();
    }

    private static Map<String, String> ssh(Path knownHosts) {
        Map<String, String> options = new HashMap<>();
        options.put("ssh.host", server.host());
        options.put("ssh.port", String.valueOf(server.port()));
        options.put("ssh.user", server.user());
        options.put("ssh.private-key", server.privateKey().toString());
        options.put("ssh.known-hosts", knownHosts.toString());
        options.put("timeout", "2s");
        options.put("interval", "5s");
        return options;
    }

    private static ProbeOutcome run(String command) throws Exception {
        return run(command, server.knownHosts());
    }

    private static ProbeOutcome run(String command, Path knownHosts) throws Exception {
        return probe.probe(check("ssh-command", command, ssh(knownHosts))).toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    @Test
    void exitZeroIsUp() throws Exception {
        ProbeOutcome outcome = run(COMMAND);
        assertThat(outcome.success()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).isNull();
    }

    @Test
    void exitOneIsAWarningThatCountsAsUp() throws Exception {
        ProbeOutcome outcome = run("check-disk");
        assertThat(outcome.success()).isTrue();
        assertThat(outcome.message()).isEqualTo("warning: exit 1: DISK WARNING - 91% used");
    }

    @Test
    void anyOtherExitIsDownWithItsOutput() throws Exception {
        ProbeOutcome outcome = run("check-engine");
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).isEqualTo("exit 2: CRITICAL - engine not running");
    }

    @Test
    void aHungCommandCostsOneTimeout() throws Exception {
        ProbeOutcome outcome = run("hang");
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("ssh timeout:");
    }

    @Test
    void anUnpinnedHostKeyIsRefused() throws Exception {
        Path otherKnownHosts = Files.createTempFile("known_hosts", "");
        server.writeKnownHosts(otherKnownHosts, EmbeddedSshServer.newKeyPair().getPublic());
        ProbeOutcome outcome = run(COMMAND, otherKnownHosts);
        assertThat(outcome.success()).isFalse();
        assertThat(outcome.message()).startsWith("ssh changed host key:");
    }

    @Test
    void aStoppedServerIsDownAndARestartedOneUp() throws Exception {
        server.stop();
        try {
            ProbeOutcome outcome = run(COMMAND);
            assertThat(outcome.success()).isFalse();
            assertThat(outcome.message()).startsWith("ssh unreachable:");
        } finally {
            server.restart();
        }
        assertThat(run(COMMAND).success()).isTrue();
    }
}
