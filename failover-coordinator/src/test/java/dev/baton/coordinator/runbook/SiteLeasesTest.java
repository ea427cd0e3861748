package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.SiteLease;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StateRow;
import dev.baton.coordinator.store.StepRow;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Who may keep running an engine, at each point of an operation, from what the decision store says. */
class SiteLeasesTest {
    private static final UUID OP = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    private static final Instant T = Instant.parse("2026-12-06T09:00:00Z");

    @Test
    void outsideAnOperationOnlyTheActiveSite() {
        StateRow s = state("primary", 3, null);
        assertThat(SiteLeases.judge("primary", s, null, List.of(), 2))
                .isEqualTo(new SiteLease("primary", true, 3, 2, "primary is the active site at epoch 3"));
        assertThat(SiteLeases.judge("standby", s, null, List.of(), 2))
                .isEqualTo(new SiteLease("standby", false, 3, 2, "primary is the active site at epoch 3, not standby"));
    }

    @Test
    void theSiteBeingLeftKeepsItUntilItsFenceBegins() {
        StateRow s = state("primary", 4, OP);
        SiteLease before = SiteLeases.judge("primary", s, failover(), steps(StepRow.Status.SUCCEEDED, StepRow.Status.PENDING), 2);
        assertThat(before.granted()).as("a veto window or pre-hook may still stop the operation").isTrue();
        assertThat(before.reason()).contains("has not begun fencing primary");
        for (StepRow.Status fence : List.of(StepRow.Status.RUNNING, StepRow.Status.SUCCEEDED, StepRow.Status.FAILED)) {
            SiteLease during = SiteLeases.judge("primary", s, failover(), steps(StepRow.Status.SUCCEEDED, fence), 2);
            assertThat(during.granted()).as("fence " + fence).isFalse();
            assertThat(during.reason()).contains("is fencing primary at epoch 4");
        }
    }

    @Test
    void aPlanWithoutAFenceStepGrantsNothingToTheSiteBeingLeft() {
        assertThat(SiteLeases.judge("primary", state("primary", 4, OP), failover(), List.of(step(0, "notify", StepRow.Status.PENDING)), 2)
                .granted()).isFalse();
    }

    @Test
    void theTargetOnlyOnceTheOperationRecordedItActive() {
        List<StepRow> steps = steps(StepRow.Status.SUCCEEDED, StepRow.Status.SUCCEEDED);
        SiteLease notYet = SiteLeases.judge("standby", state("primary", 4, OP), failover(), steps, 2);
        assertThat(notYet.granted()).isFalse();
        assertThat(notYet.reason()).contains("has not started standby yet");
        assertThat(SiteLeases.judge("standby", state("standby", 4, OP), failover(), steps, 2).granted()).isTrue();
        assertThat(SiteLeases.judge("primary", state("standby", 4, OP), failover(), steps, 2).granted())
                .as("the old site, once the new one runs").isFalse();
    }

    private static StateRow state(String active, long epoch, UUID op) {
        return new StateRow(op == null ? FailoverState.PRIMARY_ACTIVE : FailoverState.FAILING_OVER, active, epoch, false, null, null, op,
                null, null, null, null, null);
    }

    private static OperationRow failover() {
        return new OperationRow(OP, OperationRow.Kind.FAILOVER, "automatic", "primary", "standby", "primary DOWN", OperationRow.Status.RUNNING,
                4, FailoverState.PRIMARY_ACTIVE, null, T, null, null, null);
    }

    private static List<StepRow> steps(StepRow.Status notify, StepRow.Status fence) {
        return List.of(step(0, "notify", notify), step(1, "fence", fence), step(2, "start", StepRow.Status.PENDING));
    }

    private static StepRow step(int index, String type, StepRow.Status status) {
        return new StepRow(index, type, type, status, status == StepRow.Status.PENDING ? 0 : 1, status == StepRow.Status.PENDING ? null : T, null,
                null);
    }
}
