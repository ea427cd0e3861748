package dev.baton.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/baton replay} as an operator runs it: the shell script, on the packaged coordinator's classes (the
 * {@code quarkus-app} directory: its class path is what the unit tests cannot show), over the drill's recording.
 */
class ReplayCommandIT {
    private static final Path APP = Path.of("target/quarkus-app");
    private static final Path BATON = Path.of("../bin/baton");

    @Test
    void theCommandReplaysADrillRecordingOnThePackagedClassesAndDrawsThePlot(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(APP.resolve("lib/main")), "a JVM package (target/quarkus-app) is what bin/baton replay runs on");
        Path recording = dir.resolve("drill.jsonl.gz");
        try (InputStream in = ReplayCommandIT.class.getResourceAsStream("/replay/drill-netns-partition-primary.jsonl.gz")) {
            Files.copy(in, recording);
        }
        Path plot = dir.resolve("plot.svg");

        ProcessBuilder pb = new ProcessBuilder(List.of("bash", BATON.toString(), "replay", recording.toString(), "--sweep", "confirmation=1s,2s,5s",
                "--plot", plot.toString())).redirectErrorStream(true);
        pb.environment().put("BATON_COORDINATOR_APP", APP.toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("recording: 44 verdict reports (176 check verdicts)").contains(", 1 label(s)");
        assertThat(out).contains("| confirmation=2s | 1 | 1 of 1 | 0 | 0 | 1 | 0 |");
        assertThat(out).contains("| confirmation=5s | 1 | 1 of 1 | 0 | 0 | 0 (+1 not judged) | 0 |");
        // the run's one fault was a blip: no candidate detected a due one, so none has a detection time to plot
        assertThat(Files.readString(plot)).startsWith("<svg").contains("3 candidate(s) detected no fault that made a failover due: not plotted");
    }

    @Test
    void aBadRecordingIsRefusedWithItsLineNumber(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isDirectory(APP.resolve("lib/main")), "a JVM package (target/quarkus-app) is what bin/baton replay runs on");
        Path bad = Files.writeString(dir.resolve("bad.jsonl"), "{\"schema\":\"baton-verdicts\",\"version\":2}\n");

        ProcessBuilder pb = new ProcessBuilder(List.of("bash", BATON.toString(), "replay", bad.toString())).redirectErrorStream(true);
        pb.environment().put("BATON_COORDINATOR_APP", APP.toAbsolutePath().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out).contains("line 1: schema version 2 is not supported");
    }
}
