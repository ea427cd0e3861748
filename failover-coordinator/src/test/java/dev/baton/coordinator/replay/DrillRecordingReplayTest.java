package dev.baton.coordinator.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The golden check against a real run: {@code drill-netns-partition-primary.jsonl.gz} is what the namespace drill's
 * chaos campaign wrote into its corpus ({@code DrillMain chaos --world netns --corpus DIR}, seed 20261300, run 6:
 * {@code partition(primary) + full-disk(standby)}): the verdicts the deciding coordinator received, its state
 * changes and its decision, the settings it ran with, and the drill's label (the primary cut off from every other
 * place for 6.1 s: a blip, shorter than the drill's 8 s after which a failover is due). The live coordinator
 * failed over 2.6 s after the first DOWN verdict; the replay must decide the same.
 */
class DrillRecordingReplayTest {
    private static final String FIXTURE = "/replay/drill-netns-partition-primary.jsonl.gz";

    private static String fixture() throws IOException {
        try (InputStream in = VerdictRecorder.decompressed(DrillRecordingReplayTest.class.getResourceAsStream(FIXTURE))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Replayer.Report replay(String recording, Map<String, String> candidate) throws Exception {
        return Replayer.replay(new BufferedReader(new StringReader(recording)), List.of(candidate), Duration.ofSeconds(30), true);
    }

    @Test
    void replayedWithTheSettingsItWasRecordedWithItDecidesWhatTheLiveCoordinatorDecided() throws Exception {
        String recording = fixture();
        List<Recording.DecisionMade> live = recording.lines().filter(l -> l.startsWith("{\"t\":\"d\"")).map(Recording::entry)
                .map(Recording.DecisionMade.class::cast).filter(d -> d.action().equals("PROCEED")).toList();
        assertThat(live).hasSize(1);

        Replayer.Result r = replay(recording, Map.of()).results().get(0);

        assertThat(r.candidate().label()).isEqualTo("as recorded");
        assertThat(r.failovers()).hasSameSizeAs(live);
        for (int i = 0; i < live.size(); i++) {
            Replayer.Failover f = r.failovers().get(i);
            assertThat(f.from()).isEqualTo(live.get(i).from());
            assertThat(f.to()).isEqualTo(live.get(i).to());
            // the replay ticks every 500 ms (the recorded tick) from the first entry; the live scheduler on its own
            assertThat(Duration.between(Instant.ofEpochMilli(live.get(i).at()), f.at()).abs()).isLessThanOrEqualTo(Duration.ofMillis(500));
        }
        assertThat(r.sameAsActual()).isEqualTo(live.size());
        assertThat(r.avoided()).isZero();
        // by the drill's label the partition was a blip: this failover is what a 2 s confirmation costs
        assertThat(r.failovers().get(0).verdict()).isEqualTo(Replayer.Verdict.FALSE);
        assertThat(r.falseFailovers()).isEqualTo(1);
    }

    @Test
    void aLongerConfirmationRidesOutThePartitionAndWhatFollowsTheLiveFenceIsNotJudged() throws Exception {
        Replayer.Result r = replay(fixture(), Map.of("confirmation", "5s")).results().get(0);

        // past the partition's end the primary stays DOWN only because the live coordinator fenced it: a failover
        // the replay starts there is neither false nor due
        assertThat(r.falseFailovers()).isZero();
        assertThat(r.failovers()).extracting(Replayer.Failover::verdict).containsOnly(Replayer.Verdict.AFTER_RECORDED);
        assertThat(r.notJudged()).isEqualTo(r.failovers().size());
    }
}
