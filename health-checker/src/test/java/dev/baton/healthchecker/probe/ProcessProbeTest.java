package dev.baton.healthchecker.probe;

import static dev.baton.healthchecker.testing.Checks.check;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The process probe against this very JVM, by name and by pid file. */
class ProcessProbeTest {
    private final ProcessProbe probe = new ProcessProbe();

    private ProbeOutcome run(CheckDefinition check) throws Exception {
        return probe.probe(check).toCompletableFuture().get();
    }

    @Test
    void aRunningProcessIsFoundByName() throws Exception {
        String self = ProcessHandle.current().info().command().map(c -> Path.of(c).getFileName().toString()).orElse("java");
        assertThat(run(check("process", self)).success()).isTrue();
        ProbeOutcome missing = run(check("process", "no-such-daemon-baton"));
        assertThat(missing.success()).isFalse();
        assertThat(missing.message()).isEqualTo("no process named no-such-daemon-baton");
    }

    @Test
    void aPidFileMustNameALiveProcess() throws Exception {
        Path pidFile = Files.createTempFile("engine", ".pid");
        Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
        assertThat(run(check("process", pidFile.toString(), Map.of("process.match", "pid-file"))).success()).isTrue();

        Process exited = new ProcessBuilder("true").start();
        exited.waitFor();
        Files.writeString(pidFile, String.valueOf(exited.pid()));
        ProbeOutcome dead = run(check("process", pidFile.toString(), Map.of("process.match", "pid-file")));
        assertThat(dead.success()).isFalse();
        assertThat(dead.message()).contains("is not running");

        Files.writeString(pidFile, "garbage");
        assertThat(run(check("process", pidFile.toString(), Map.of("process.match", "pid-file"))).message())
                .contains("does not hold a pid");
        Files.delete(pidFile);
        assertThat(run(check("process", pidFile.toString(), Map.of("process.match", "pid-file"))).message())
                .startsWith("cannot read pid file");
    }
}
