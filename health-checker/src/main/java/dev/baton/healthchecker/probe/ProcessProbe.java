package dev.baton.healthchecker.probe;

import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A local process, present by name (the file name of its command, or its {@code /proc/<pid>/comm})
 * or by the pid in a pid file. Blocking (reads /proc): the scheduler runs it on a worker.
 */
@ApplicationScoped
public class ProcessProbe implements Probe {
    /** The kernel truncates {@code comm} to 15 characters. */
    private static final int COMM_LENGTH = 15;

    @Override
    public CheckType type() {
        return CheckType.PROCESS;
    }

    @Override
    public CompletionStage<ProbeOutcome> probe(CheckDefinition check) {
        long start = System.nanoTime();
        ProbeOutcome outcome = ((CheckDefinition.Process) check.options()).pidFile()
                ? byPidFile(Path.of(check.target()), start)
                : byName(check.target(), start);
        return CompletableFuture.completedFuture(outcome);
    }

    private static ProbeOutcome byName(String name, long start) {
        long count = ProcessHandle.allProcesses().filter(p -> p.isAlive() && named(p, name)).limit(1).count();
        return count > 0 ? ProbeOutcome.up(elapsed(start)) : ProbeOutcome.down(elapsed(start), "no process named " + name);
    }

    private static boolean named(ProcessHandle process, String name) {
        boolean byCommand = process.info().command()
                .map(c -> Path.of(c).getFileName())
                .map(f -> f != null && f.toString().equals(name))
                .orElse(false);
        if (byCommand) {
            return true;
        }
        // the command of another user's process is hidden; its comm is not
        try {
            String comm = Files.readString(Path.of("/proc", String.valueOf(process.pid()), "comm"), StandardCharsets.UTF_8).strip();
            return comm.equals(name.length() > COMM_LENGTH ? name.substring(0, COMM_LENGTH) : name);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static ProbeOutcome byPidFile(Path file, long start) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return ProbeOutcome.down(elapsed(start), "cannot read pid file " + file + ": " + e.getClass().getSimpleName());
        }
        long pid;
        try {
            pid = Long.parseLong(text.lines().findFirst().orElse("").strip());
        } catch (NumberFormatException e) {
            return ProbeOutcome.down(elapsed(start), "pid file " + file + " does not hold a pid");
        }
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        return alive ? ProbeOutcome.up(elapsed(start)) : ProbeOutcome.down(elapsed(start), "process " + pid + " from " + file + " is not running");
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
