package dev.baton.drill.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history checker over what the sites held: epochs and terms, and the state's sequence numbers. */
class HistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");

    private static History.Sample at(int second, String site, long epoch, long term, long seq, String writer) {
        return new History.Sample(T0.plusSeconds(second), site, epoch, term, seq, writer);
    }

    @Test
    void aFailoverAndAFailbackAsTheyShouldBeAreClean() {
        List<History.Sample> h = List.of(
                at(0, "primary", 0, 1, 100, "primary"), at(0, "standby", 0, 1, 98, "primary"),
                at(1, "primary", 0, 1, 105, "primary"), at(1, "standby", 0, 1, 104, "primary"),
                // failover: the standby takes epoch 1 under term 2 and trades on from what it held
                at(2, "primary", 0, 1, 110, "primary"), at(2, "standby", 1, 2, 105, "standby"),
                // the old primary still holds its own last write in epoch 1, then state-sync's first copy (RPO: lower)
                at(3, "primary", 1, 2, 110, "primary"), at(3, "standby", 1, 2, 112, "standby"),
                at(4, "primary", 1, 2, 111, "standby"), at(4, "standby", 1, 2, 118, "standby"),
                // failback at epoch 2
                at(5, "primary", 2, 3, 119, "primary"), at(5, "standby", 2, 3, 118, "standby"),
                at(6, "primary", 2, 3, 125, "primary"), at(6, "standby", 2, 3, 120, "primary"));

        History.Findings f = History.check(h);

        assertThat(f.epochRegressions()).isEmpty();
        assertThat(f.stateRegressions()).isEmpty();
    }

    @Test
    void aLowerEpochOrALowerTermWithinAnEpochIsARegression() {
        History.Findings f = History.check(List.of(
                at(0, "standby", 3, 5, -1, ""), at(1, "standby", 2, 9, -1, ""),
                at(2, "primary", 3, 5, -1, ""), at(3, "primary", 3, 4, -1, ""),
                // a file being replaced reads as -1: skipped, not a regression
                at(4, "primary", -1, -1, -1, "")));

        assertThat(f.epochRegressions()).hasSize(2);
        assertThat(f.epochRegressions().get(0)).contains("standby went from epoch 3 term 5 to epoch 2 term 9");
        assertThat(f.epochRegressions().get(1)).contains("primary went from epoch 3 term 5 to epoch 3 term 4");
    }

    @Test
    void aRunsHistoryStartsFromWhatEachSiteHeldWhenItBegan() {
        History history = new History(List.of());
        history.add(at(0, "primary", 4, 7, 10, "primary"));
        history.add(at(1, "primary", 4, 7, 11, "primary"));
        history.add(at(2, "standby", 4, 7, 9, "primary"));
        // the run begins at second 3; a reset had lowered the primary's epoch at second 4
        history.add(at(4, "primary", 3, 7, 12, "primary"));
        history.close();

        List<History.Sample> run = history.since(T0.plusSeconds(3));

        assertThat(run).extracting(History.Sample::at).containsExactly(T0.plusSeconds(1), T0.plusSeconds(2), T0.plusSeconds(4));
        assertThat(History.check(run).epochRegressions()).singleElement().asString().contains("primary went from epoch 4");
    }

    private static History.Sample data(int second, String site, long epoch, long seq, String writer, long dataEpoch) {
        return new History.Sample(T0.plusSeconds(second), site, epoch, 2, seq, writer, dataEpoch);
    }

    @Test
    void theOldPrimarysOwnRecordsReplacedByTheNewActivesShorterCopyAreTheRpoNotARegression() {
        // the namespace campaign's partition(primary) run: the primary's engine wrote up to 68 in epoch 0, the standby
        // had 63 of them and took over at epoch 1; the old primary learnt epoch 1, then state-sync's copy came
        History.Findings f = History.check(List.of(
                data(0, "primary", 0, 68, "primary", 0), data(0, "standby", 1, 63, "primary", 0),
                data(1, "primary", 1, 68, "primary", 0),
                data(2, "primary", 1, 63, "primary", 0),
                data(3, "standby", 1, 70, "standby", 1), data(4, "primary", 1, 70, "standby", 1)));
        assertThat(f.stateRegressions()).isEmpty();

        // the current epoch's data going backwards on a site is still one
        History.Findings back = History.check(List.of(
                data(0, "standby", 1, 70, "standby", 1), data(1, "primary", 1, 70, "standby", 1), data(2, "primary", 1, 66, "standby", 1)));
        assertThat(back.stateRegressions()).singleElement().asString()
                .contains("primary's state (written by standby) went back from seq 70 to 66 in epoch 1");
    }

    @Test
    void aCopyOlderThanOneAlreadyHeldInTheSameEpochIsAStateRegression() {
        History.Findings f = History.check(List.of(
                at(0, "primary", 0, 1, 200, "primary"), at(0, "standby", 0, 1, 190, "primary"),
                at(1, "standby", 0, 1, 150, "primary")));

        assertThat(f.stateRegressions()).singleElement().asString()
                .contains("standby's state (written by primary) went back from seq 190 to 150 in epoch 0");
    }
}
