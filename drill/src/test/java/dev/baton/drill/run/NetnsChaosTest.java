package dev.baton.drill.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The namespace campaign's schedules: reproducible from a seed, within their bounds, every fault one the runner knows. */
class NetnsChaosTest {

    @Test
    void aSeedAlwaysGivesTheSameScheduleSoThatARunReproducesAlone() {
        assertThat(NetnsChaos.schedule(20261206L)).isEqualTo(NetnsChaos.schedule(20261206L));
        assertThat(NetnsChaos.schedule(1L)).isNotEqualTo(NetnsChaos.schedule(2L));
    }

    @Test
    void schedulesHoldOneToThreeDistinctNonConflictingFaultsInTimeOrderWithinTheirBounds() {
        Set<String> seen = new HashSet<>();
        for (long seed = 0; seed < 500; seed++) {
            List<NetnsChaos.Fault> s = NetnsChaos.schedule(seed);
            boolean crash = s.stream().anyMatch(f -> f.what().startsWith("crash(leader@"));
            assertThat(s).hasSizeBetween(1, crash ? 4 : 3);
            assertThat(s.stream().map(NetnsChaos.Fault::what).distinct().count()).isEqualTo(s.size());
            for (Set<String> group : NetnsChaos.CONFLICTS) {
                assertThat(s.stream().filter(f -> group.contains(f.what())).count()).as("at most one of " + group).isLessThanOrEqualTo(1);
            }
            assertThat(s).isSortedAccordingTo(java.util.Comparator.comparingLong(NetnsChaos.Fault::atMs));
            for (NetnsChaos.Fault f : s) {
                assertThat(f.atMs()).isBetween(0L, 5999L);
                // the primary lost for a crash in a failover's step lasts 20 s: long enough for the failover to reach it
                assertThat(f.forMs()).isBetween(3000L, crash && f.what().equals("lose(primary)") ? 20000L : 14999L);
                seen.add(f.what());
            }
            if (crash) {
                assertThat(s).as("a crash in a failover's step comes with a fault that makes the primary fail over")
                        .anyMatch(f -> Set.of("lose(primary)", "partition(primary)", "flap(primary)", "kill(engine)", "stop(engine)").contains(f.what()));
            }
        }
        assertThat(seen).as("500 seeds draw every fault").containsExactlyInAnyOrderElementsOf(NetnsChaos.FAULTS);
    }

    @Test
    void everyNetworkFaultIsANemesisWhoseCutsTheCheckerCanReadOn() {
        for (String what : NetnsChaos.FAULTS) {
            if (what.startsWith("partition(") || what.startsWith("bridge(") || what.startsWith("one-way(")) {
                assertThat(NetnsChaos.nemesis(what).cuts()).as(what).isNotEmpty();
            }
        }
        assertThat(NetnsChaos.nemesis("bridge(primary<->standby)").cuts()).containsExactlyInAnyOrder("primary->standby", "standby->primary");
    }

    @Test
    void whatTheObserversCanSeeOfThePrimaryDecidesFalseAndDueFailovers() {
        assertThat(NetnsChaos.sight(Set.of())).isEqualTo(new NetnsChaos.Sight(3, 0));
        // the primary's place cut off: only its own observer still sees it (its verdicts cannot leave, but it sees)
        assertThat(NetnsChaos.sight(Set.of("partition(primary)"))).isEqualTo(new NetnsChaos.Sight(1, 2));
        // one path cut in one direction is a cut TCP connection: the standby's observer sees it down
        assertThat(NetnsChaos.sight(Set.of("one-way(primary->standby)"))).isEqualTo(new NetnsChaos.Sight(2, 1));
        // a killed observer votes nothing: with the standby's cut, no quorum either way (no failover due, none right)
        assertThat(NetnsChaos.sight(Set.of("one-way(primary->standby)", "kill(health-checker-witness)")))
                .isEqualTo(new NetnsChaos.Sight(1, 1));
        // the engine dead or frozen: every live observer sees the site down
        assertThat(NetnsChaos.sight(Set.of("stop(engine)"))).isEqualTo(new NetnsChaos.Sight(0, 3));
        // a lost primary place: its observer is gone too
        assertThat(NetnsChaos.sight(Set.of("lose(primary)"))).isEqualTo(new NetnsChaos.Sight(0, 2));
        // faults away from the primary change nothing
        assertThat(NetnsChaos.sight(Set.of("partition(witness)", "kill(state-sync)"))).isEqualTo(new NetnsChaos.Sight(2, 1));
    }

    @Test
    void theWorkersOfAParallelCampaignDoEachRunExactlyOnce() {
        for (int workers = 1; workers <= 8; workers++) {
            List<Integer> done = new java.util.ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Campaign.Share share = Campaign.Share.parse(w + "/" + workers);
                for (int run = 0; run < 50; run++) {
                    if (share.has(run)) {
                        done.add(run);
                    }
                }
            }
            assertThat(done).as("%d workers", workers).hasSize(50).doesNotHaveDuplicates();
        }
        assertThat(Campaign.Share.ALL.has(0)).isTrue();
        assertThat(Campaign.Share.parse("1/3").toString()).isEqualTo("worker 2 of 3: runs 2, 5, ...");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Campaign.Share.parse("3/3")).hasMessageContaining("0 <= W < P");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Campaign.Share.parse("2")).hasMessageContaining("W/P");
    }

    @Test
    void theCorpusLabelsAStretchOfEightSecondsDownAsDueToTheEndOfItsBlindnessAndAShorterOneAsABlip() {
        java.time.Instant t = java.time.Instant.parse("2026-12-06T22:00:00Z");
        NetnsChaos.InForce now = new NetnsChaos.InForce();
        now.blind.add(new java.time.Instant[] {t, t.plusSeconds(10)});
        now.down.add(new java.time.Instant[] {t.plusMillis(500), t.plusMillis(9000)});
        now.blind.add(new java.time.Instant[] {t.plusSeconds(20), t.plusSeconds(24)});
        now.down.add(new java.time.Instant[] {t.plusSeconds(20), t.plusSeconds(23)});
        // still open when the run ended: not a label
        now.blind.add(new java.time.Instant[] {t.plusSeconds(40), null});

        List<Corpus.Label> labels = NetnsChaos.labels(now, List.of(), "lose(primary)", t, t.plusSeconds(60));

        assertThat(labels).containsExactly(
                new Corpus.Label(t.plusMillis(500), t.plusSeconds(10), "primary", true, "lose(primary): DOWN for a quorum 8500 ms"),
                new Corpus.Label(t.plusSeconds(20), t.plusSeconds(24), "primary", false, "lose(primary): a blip of 4000 ms"));
        assertThat(Corpus.line(labels.get(0))).isEqualTo("{\"t\":\"l\",\"from\":" + t.plusMillis(500).toEpochMilli() + ",\"to\":"
                + t.plusSeconds(10).toEpochMilli() + ",\"site\":\"primary\",\"due\":true,\"note\":\"lose(primary): DOWN for a quorum 8500 ms\"}\n");
    }

    @Test
    void anEngineItsGateStoppedIsDownForTheLabelsFromTheStopToItsNextStart() {
        java.time.Instant t = java.time.Instant.parse("2026-12-06T22:00:00Z");
        NetnsChaos.InForce now = new NetnsChaos.InForce();
        // a 5 s partition of the primary: a blip by itself
        now.blind.add(new java.time.Instant[] {t, t.plusSeconds(5)});
        now.down.add(new java.time.Instant[] {t, t.plusSeconds(5)});
        List<dev.baton.drill.site.SimulatedSite.EngineEvent> events = List.of(
                new dev.baton.drill.site.SimulatedSite.EngineEvent(t.minusSeconds(60), "primary", true, "started"),
                new dev.baton.drill.site.SimulatedSite.EngineEvent(t.plusSeconds(4), "primary", false, "exited by itself (the gate: no lease)"),
                new dev.baton.drill.site.SimulatedSite.EngineEvent(t.plusSeconds(15), "primary", true, "restart policy"));

        List<java.time.Instant[]> stopped = NetnsChaos.gateStopped(events, t, t.plusSeconds(30));
        List<Corpus.Label> labels = NetnsChaos.labels(now, stopped, "partition(primary)", t, t.plusSeconds(30));

        assertThat(stopped).hasSize(1);
        assertThat(stopped.get(0)).containsExactly(t.plusSeconds(4), t.plusSeconds(15));
        // the partition and the stopped engine after it: DOWN for 15 s, a failover due
        assertThat(labels).containsExactly(new Corpus.Label(t, t.plusSeconds(15), "primary", true, "partition(primary): DOWN for a quorum 15000 ms"));
    }

    @Test
    void aRunInWhichNothingHidThePrimaryIsLabelledNotDueThroughout() {
        java.time.Instant t = java.time.Instant.parse("2026-12-06T22:00:00Z");

        List<Corpus.Label> labels = NetnsChaos.labels(new NetnsChaos.InForce(), List.of(), "kill(notifier)", t, t.plusSeconds(12));

        assertThat(labels).containsExactly(new Corpus.Label(t, t.plusSeconds(12), "primary", false,
                "kill(notifier): the primary in sight of a quorum throughout"));
    }
}
