package dev.baton.healthchecker.probe;

import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.SshConnection;
import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshFailure;
import dev.baton.healthchecker.probe.CheckDefinition.SshCommand;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Runs a command on a site over SSH (host key pinned) with Nagios meaning of the exit code:
 * 0 up, 1 warning (up, reported), anything else down. Blocking: the scheduler runs it on a worker.
 * A fresh session per probe, so a restarted sshd or a changed host key is seen at once.
 */
@ApplicationScoped
public class SshCommandProbe implements Probe {
    private final SshConnector connector;

    public SshCommandProbe(SshConnector connector) {
        this.connector = connector;
    }

    @Override
    public CheckType type() {
        return CheckType.SSH_COMMAND;
    }

    @Override
    public CompletionStage<ProbeOutcome> probe(CheckDefinition check) {
        return CompletableFuture.completedFuture(run(check));
    }

    private ProbeOutcome run(CheckDefinition check) {
        SshCommand ssh = (SshCommand) check.options();
        long start = System.nanoTime();
        long deadline = start + check.timeout().toNanos();
        try (SshConnection connection = connector.connect(ssh.endpoint(), check.timeout())) {
            Duration left = Duration.ofNanos(Math.max(1_000_000L, deadline - System.nanoTime()));
            ExecResult result = connection.exec(ssh.command(), left);
            return judge(result, Duration.ofNanos(System.nanoTime() - start));
        } catch (SshFailure e) {
            return ProbeOutcome.down(Duration.ofNanos(System.nanoTime() - start),
                    "ssh " + e.kind().name().toLowerCase().replace('_', ' ') + ": " + e.getMessage());
        } catch (RuntimeException e) {
            return ProbeOutcome.down(Duration.ofNanos(System.nanoTime() - start), "ssh: " + HttpProbe.describe(e));
        }
    }

    /** Nagios plugin convention. Pure. */
    static ProbeOutcome judge(ExecResult result, Duration latency) {
        return switch (result.exitCode()) {
            case 0 -> ProbeOutcome.up(latency);
            case 1 -> ProbeOutcome.warning(latency, "exit 1: " + firstLine(result));
            default -> ProbeOutcome.down(latency, (result.exitCode() < 0 ? "killed by a signal" : "exit " + result.exitCode())
                    + ": " + firstLine(result));
        };
    }

    private static String firstLine(ExecResult result) {
        String text = result.stderr().isBlank() ? result.stdout() : result.stderr();
        String line = text.strip().lines().findFirst().orElse("");
        return line.isEmpty() ? "(no output)" : line;
    }
}
