package dev.baton.coordinator.replay;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.FailoverState;
import dev.baton.coordinator.config.CoordinatorConfig;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recording on disk: segments by time, each closed one compressed, the expired ones gone, read back as one. */
class VerdictRecorderTest {
    private static final String HEADER = Recording.header(new Recording.Header(1, "c1", "primary", "standby",
            Set.copyOf(ReplayerTest.OBSERVERS)));

    private static CoordinatorConfig.VerdictRecording settings(Path dir, Duration segment, Duration retention) {
        return new CoordinatorConfig.VerdictRecording() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public String directory() {
                return dir.toString();
            }

            @Override
            public Duration retention() {
                return retention;
            }

            @Override
            public Duration segment() {
                return segment;
            }
        };
    }

    @Test
    void segmentsRollCompressExpireAndReadBackAsOneRecording(@TempDir Path dir) throws Exception {
        RecordedClock clock = new RecordedClock(Instant.parse("2026-12-01T00:00:00Z"));
        VerdictRecorder r = new VerdictRecorder(settings(dir, Duration.ofHours(1), Duration.ofHours(3)), HEADER, clock);
        Instant start = clock.instant();
        for (int hour = 0; hour < 6; hour++) {
            clock.set(start.plus(Duration.ofHours(hour)));
            r.state(FailoverState.PRIMARY_ACTIVE, "primary");
            r.verdict(ReplayerTest.report("witness", clock.instant().toEpochMilli(), hour == 5));
        }
        assertThat(r.flush(Duration.ofSeconds(10))).isTrue();

        // six hourly segments were begun; the one that ended more than 3 h before the last began (00:00-01:00) is
        // gone, the closed ones are compressed (in the background), the current one is not
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
            try (var files = Files.list(dir)) {
                return files.map(f -> f.getFileName().toString()).sorted().toList().equals(List.of("verdicts-20261201T010000Z.jsonl.gz",
                        "verdicts-20261201T020000Z.jsonl.gz", "verdicts-20261201T030000Z.jsonl.gz", "verdicts-20261201T040000Z.jsonl.gz",
                        "verdicts-20261201T050000Z.jsonl"));
            }
        });
        assertThat(VerdictRecorder.segments(dir)).extracting(s -> s.started().toString()).containsExactly("2026-12-01T01:00:00Z",
                "2026-12-01T02:00:00Z", "2026-12-01T03:00:00Z", "2026-12-01T04:00:00Z", "2026-12-01T05:00:00Z");

        List<String> lines;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(dir, 0, Long.MAX_VALUE),
                StandardCharsets.UTF_8))) {
            lines = in.lines().toList();
        }
        // one header, then per segment its state (a new segment records it again) and its verdict
        assertThat(lines).hasSize(1 + 5 * 2);
        assertThat(lines.get(0)).isEqualTo(HEADER);
        assertThat(lines.stream().filter(l -> l.contains("\"schema\""))).hasSize(1);
        assertThat(lines.get(10)).contains("\"st\":\"DOWN\"");
        Replayer.Report report = Replayer.replay(new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(dir, 0, Long.MAX_VALUE),
                StandardCharsets.UTF_8)), List.of(java.util.Map.of()), Duration.ofSeconds(30));
        assertThat(report.totals().verdicts()).isEqualTo(5);

        // a range picks the segments that may hold it
        try (BufferedReader in = new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(dir,
                Instant.parse("2026-12-01T05:10:00Z").toEpochMilli(), Long.MAX_VALUE), StandardCharsets.UTF_8))) {
            assertThat(in.lines().toList()).hasSize(3);
        }
    }

    @Test
    void aStateIsRecordedOnlyWhenItChanges(@TempDir Path dir) throws Exception {
        RecordedClock clock = new RecordedClock(Instant.parse("2026-12-01T00:00:00Z"));
        VerdictRecorder r = new VerdictRecorder(settings(dir, Duration.ofHours(1), Duration.ofDays(30)), HEADER, clock);
        r.state(FailoverState.PRIMARY_ACTIVE, "primary");
        r.state(FailoverState.PRIMARY_ACTIVE, "primary");
        r.state(FailoverState.FAILING_OVER, "primary");
        r.state(FailoverState.STANDBY_ACTIVE, "standby");
        assertThat(r.flush(Duration.ofSeconds(10))).isTrue();

        List<String> lines = Files.readAllLines(VerdictRecorder.segments(dir).get(0).path());
        assertThat(lines).hasSize(4);
        assertThat(lines.get(3)).isEqualTo("{\"t\":\"s\",\"at\":" + clock.instant().toEpochMilli() + ",\"state\":\"STANDBY_ACTIVE\",\"active\":\"standby\"}");
    }

    @Test
    void aDirectoryThatCannotBeWrittenStopsStartUpNamingTheKey(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "not a directory");

        assertThat(VerdictRecorder.problem(settings(file.resolve("recording"), Duration.ofHours(1), Duration.ofDays(30))))
                .hasValueSatisfying(p -> assertThat(p).startsWith("baton.coordinator.recording.directory: cannot write to "));
        assertThat(VerdictRecorder.problem(settings(dir, Duration.ofSeconds(10), Duration.ofDays(30))))
                .hasValue("baton.coordinator.recording.segment: at least 1m, was PT10S");
        assertThat(VerdictRecorder.problem(settings(dir, Duration.ofHours(1), Duration.ofDays(30)))).isEmpty();
    }

    @Test
    void timesNeverGoBackwardsInTheFileEvenWhenTheClockDoes(@TempDir Path dir) throws Exception {
        RecordedClock clock = new RecordedClock(Instant.parse("2026-12-01T00:00:10Z"));
        VerdictRecorder r = new VerdictRecorder(settings(dir, Duration.ofHours(1), Duration.ofDays(30)), HEADER, clock);
        r.verdict(ReplayerTest.report("witness", clock.instant().toEpochMilli(), false));
        clock.set(Instant.parse("2026-12-01T00:00:09.500Z"));
        r.state(FailoverState.PRIMARY_ACTIVE, "primary");
        r.verdict(ReplayerTest.report("standby", clock.instant().toEpochMilli(), false));
        assertThat(r.flush(Duration.ofSeconds(10))).isTrue();

        try (RecordingReader in = new RecordingReader(Files.newBufferedReader(VerdictRecorder.segments(dir).get(0).path()))) {
            List<Long> at = new java.util.ArrayList<>();
            for (Recording.Entry e = in.next(); e != null; e = in.next()) {
                at.add(e.at());
            }
            long ten = Instant.parse("2026-12-01T00:00:10Z").toEpochMilli();
            assertThat(at).containsExactly(ten, ten, ten);
        }
    }

    @Test
    void aRestartWithOtherSettingsKeepsItsHeaderInTheRecordingAndOneWithTheSameDoesNot(@TempDir Path dir) throws Exception {
        String five = Recording.header(new Recording.Header(1, "c1", "primary", "standby", Set.copyOf(ReplayerTest.OBSERVERS),
                java.util.Map.of("policy.confirmation", "5000ms")));
        String two = Recording.header(new Recording.Header(1, "c1", "primary", "standby", Set.copyOf(ReplayerTest.OBSERVERS),
                java.util.Map.of("policy.confirmation", "2000ms")));
        Instant t = Instant.parse("2026-12-01T00:00:00Z");
        // three processes, one after the other: each begins a segment of its own
        String[] headers = {five, five, two};
        for (int i = 0; i < headers.length; i++) {
            RecordedClock clock = new RecordedClock(t.plusSeconds(10L * i));
            VerdictRecorder r = new VerdictRecorder(settings(dir, Duration.ofHours(1), Duration.ofDays(30)), headers[i], clock);
            r.verdict(ReplayerTest.report("witness", clock.instant().toEpochMilli(), false));
            assertThat(r.flush(Duration.ofSeconds(10))).isTrue();
        }

        List<String> lines;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(dir, 0, Long.MAX_VALUE),
                StandardCharsets.UTF_8))) {
            lines = in.lines().toList();
        }
        assertThat(lines).hasSize(5);
        assertThat(lines.get(0)).isEqualTo(five);
        assertThat(lines.get(1)).startsWith("{\"t\":\"v\"");
        assertThat(lines.get(2)).startsWith("{\"t\":\"v\"");
        assertThat(lines.get(3)).isEqualTo(two);
        assertThat(lines.get(4)).startsWith("{\"t\":\"v\"");
    }
}
