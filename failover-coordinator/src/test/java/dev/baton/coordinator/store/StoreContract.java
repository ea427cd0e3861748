package dev.baton.coordinator.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.FailoverState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every decision store promises the coordinator ({@link CoordinatorStore}), run against PostgreSQL
 * ({@link PostgresStoreContractTest}) and ZooKeeper ({@link ZooKeeperStoreContractTest}). Each test starts from an
 * initialised, empty store in which this instance leads.
 */
abstract class StoreContract {
    static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
    static final List<CoordinatorStore.PlannedStep> PLAN = List.of(new CoordinatorStore.PlannedStep("fence", "fence"),
            new CoordinatorStore.PlannedStep("sync", "sync"), new CoordinatorStore.PlannedStep("start", "start"));

    /** A fresh, initialised store (primary active, epoch 0) in which the caller may write. */
    abstract CoordinatorStore store();

    static OperationRow op(OperationRow.Kind kind, long epoch, Instant at) {
        return new OperationRow(UUID.randomUUID(), kind, "manual", kind == OperationRow.Kind.FAILOVER ? "primary" : "standby",
                kind == OperationRow.Kind.FAILOVER ? "standby" : "primary", "planned", OperationRow.Status.RUNNING, epoch,
                kind == OperationRow.Kind.FAILOVER ? FailoverState.PRIMARY_ACTIVE : FailoverState.STANDBY_ACTIVE, "{\"action\":\"PROCEED\"}",
                at, null, null, null);
    }

    @Test
    void aNewStoreHasThePrimaryActiveAtEpochZeroAndInitialisingAgainChangesNothing() {
        CoordinatorStore s = store();
        s.freeze("kept across a second initialise", null);
        s.initialise("standby", FailoverState.STANDBY_ACTIVE, 7);
        StateRow row = s.state();
        assertThat(row.state()).isEqualTo(FailoverState.PRIMARY_ACTIVE);
        assertThat(row.activeSite()).isEqualTo("primary");
        assertThat(row.epoch()).isZero();
        assertThat(row.frozen()).isTrue();
        assertThat(row.currentOperation()).isNull();
    }

    @Test
    void beginIsACompareAndSetOnStateAndEpochAndJournalsThePlan() {
        CoordinatorStore s = store();
        OperationRow first = op(OperationRow.Kind.FAILOVER, 1, T0);
        assertThat(s.begin(first, PLAN, FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isTrue();

        StateRow row = s.state();
        assertThat(row.state()).isEqualTo(FailoverState.FAILING_OVER);
        assertThat(row.epoch()).isEqualTo(1);
        assertThat(row.currentOperation()).isEqualTo(first.id());
        assertThat(s.steps(first.id())).extracting(StepRow::name).containsExactly("fence", "sync", "start");
        assertThat(s.steps(first.id())).allMatch(st -> st.status() == StepRow.Status.PENDING && st.attempts() == 0);
        assertThat(s.running()).extracting(OperationRow::id).containsExactly(first.id());

        // a second decision taken on the same (now stale) state loses, and nothing of it is written
        OperationRow second = op(OperationRow.Kind.FAILOVER, 1, T0.plusSeconds(1));
        assertThat(s.begin(second, PLAN, FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isFalse();
        assertThat(s.operation(second.id())).isEmpty();
        assertThat(s.state().currentOperation()).isEqualTo(first.id());
    }

    @Test
    void aSyncedReadSeesTheFenceBegunOnceItIsJournaledSoTheLeaseIsRefusedFromThen() {
        CoordinatorStore s = store();
        OperationRow op = op(OperationRow.Kind.FAILOVER, 1, T0);
        s.begin(op, PLAN, FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER);
        StateRow before = s.syncedState();
        assertThat(dev.baton.coordinator.runbook.SiteLeases.judge("primary", before, s.operation(op.id()).orElseThrow(), s.steps(op.id()), 1)
                .granted()).as("begun, not fencing yet").isTrue();

        s.stepStarted(op.id(), 0, T0.plusSeconds(1));
        StateRow after = s.syncedState();
        assertThat(after.currentOperation()).isEqualTo(op.id());
        assertThat(after.epoch()).isEqualTo(1);
        assertThat(dev.baton.coordinator.runbook.SiteLeases.judge("primary", after, s.operation(op.id()).orElseThrow(), s.steps(op.id()), 1)
                .granted()).as("fencing").isFalse();
    }

    @Test
    void finishIsRefusedToAnOvertakenEpochAndOtherwiseSetsTheOutcome() {
        CoordinatorStore s = store();
        OperationRow op = op(OperationRow.Kind.FAILOVER, 1, T0);
        s.begin(op, PLAN, FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER);

        assertThat(s.finish(op.id(), 0, OperationRow.Status.SUCCEEDED, FailoverState.STANDBY_ACTIVE, "standby", "stale", T0.plusSeconds(5)))
                .as("epoch 0 was overtaken").isFalse();
        assertThat(s.state().state()).isEqualTo(FailoverState.FAILING_OVER);

        Instant end = T0.plusSeconds(9);
        assertThat(s.finish(op.id(), 1, OperationRow.Status.SUCCEEDED, FailoverState.STANDBY_ACTIVE, "standby", "done", end)).isTrue();
        StateRow row = s.state();
        assertThat(row.state()).isEqualTo(FailoverState.STANDBY_ACTIVE);
        assertThat(row.activeSite()).isEqualTo("standby");
        assertThat(row.currentOperation()).isNull();
        assertThat(row.lastFailover()).isEqualTo(end);
        assertThat(row.lastOperationEnd()).isEqualTo(end);
        OperationRow done = s.operation(op.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(OperationRow.Status.SUCCEEDED);
        assertThat(done.finishedAt()).isEqualTo(end);
        assertThat(done.detail()).isEqualTo("done");
        assertThat(s.running()).isEmpty();
    }

    @Test
    void theCapCountsFailoverStartsNotFailbacks() {
        CoordinatorStore s = store();
        OperationRow over = op(OperationRow.Kind.FAILOVER, 1, T0);
        s.begin(over, PLAN, FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER);
        s.finish(over.id(), 1, OperationRow.Status.SUCCEEDED, FailoverState.STANDBY_ACTIVE, "standby", "ok", T0.plusSeconds(10));
        OperationRow back = op(OperationRow.Kind.FAILBACK, 2, T0.plusSeconds(60));
        s.begin(back, PLAN, FailoverState.STANDBY_ACTIVE, 1, FailoverState.FAILING_BACK);
        s.finish(back.id(), 2, OperationRow.Status.SUCCEEDED, FailoverState.PRIMARY_ACTIVE, "primary", "ok", T0.plusSeconds(70));

        assertThat(s.failoversSince(T0.minus(Duration.ofHours(24)))).containsExactly(T0);
        assertThat(s.failoversSince(T0)).as("strictly after").isEmpty();
        assertThat(s.state().lastFailback()).isEqualTo(T0.plusSeconds(70));
        assertThat(s.operations(10)).extracting(OperationRow::id).as("newest first").containsExactly(back.id(), over.id());
        assertThat(s.operations(1)).extracting(OperationRow::id).containsExactly(back.id());
    }

    @Test
    void theJournalRecordsAttemptsProgressAndOutcomes() {
        CoordinatorStore s = store();
        OperationRow op = op(OperationRow.Kind.FAILOVER, 1, T0);
        s.begin(op, PLAN, FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER);

        s.stepStarted(op.id(), 0, T0.plusSeconds(1));
        s.stepProgress(op.id(), 0, "waiting for the broker to release the session");
        s.stepStarted(op.id(), 0, T0.plusSeconds(2));
        StepRow fence = s.steps(op.id()).get(0);
        assertThat(fence.status()).isEqualTo(StepRow.Status.RUNNING);
        assertThat(fence.attempts()).isEqualTo(2);
        assertThat(fence.startedAt()).as("the first attempt's start").isEqualTo(T0.plusSeconds(1));
        assertThat(fence.detail()).isEqualTo("waiting for the broker to release the session");

        s.stepFinished(op.id(), 0, StepRow.Status.SUCCEEDED, "engine stopped on primary", T0.plusSeconds(3));
        s.stepProgress(op.id(), 0, "a late progress line does not overwrite a finished step");
        fence = s.steps(op.id()).get(0);
        assertThat(fence.status()).isEqualTo(StepRow.Status.SUCCEEDED);
        assertThat(fence.finishedAt()).isEqualTo(T0.plusSeconds(3));
        assertThat(fence.detail()).isEqualTo("engine stopped on primary");
        assertThat(s.steps(op.id()).get(1).status()).isEqualTo(StepRow.Status.PENDING);

        SessionRelease release = new SessionRelease(SessionRelease.By.LOGOUT, T0.plusSeconds(3), T0.plusSeconds(4), "logout confirmed");
        s.setSessionRelease(op.id(), release);
        s.setRpo(op.id(), 1.5);
        OperationRow read = s.operation(op.id()).orElseThrow();
        assertThat(read.sessionRelease()).isEqualTo(release);
        assertThat(read.rpoSeconds()).isEqualTo(1.5);
        assertThat(read.decision()).isEqualTo("{\"action\":\"PROCEED\"}");
    }

    @Test
    void freezeDegradeAndResolve() {
        CoordinatorStore s = store();
        Instant until = T0.plus(2, ChronoUnit.HOURS);
        s.freeze("broker maintenance", until);
        assertThat(s.state().frozen()).isTrue();
        assertThat(s.state().frozenReason()).isEqualTo("broker maintenance");
        assertThat(s.state().frozenUntil()).isEqualTo(until);
        s.unfreeze();
        assertThat(s.state().frozen()).isFalse();
        assertThat(s.state().frozenReason()).isNull();

        assertThat(s.resolve(FailoverState.PRIMARY_ACTIVE)).as("only DEGRADED resolves").isFalse();
        s.degrade();
        assertThat(s.state().state()).isEqualTo(FailoverState.DEGRADED);
        assertThat(s.resolve(FailoverState.PRIMARY_ACTIVE)).isTrue();
        assertThat(s.state().state()).isEqualTo(FailoverState.PRIMARY_ACTIVE);

        s.setActiveSite("standby");
        s.setRemediatedAt(T0);
        s.setLastDecision("{\"action\":\"NONE\"}");
        StateRow row = s.state();
        assertThat(row.activeSite()).isEqualTo("standby");
        assertThat(row.remediatedAt()).isEqualTo(T0);
        assertThat(row.lastDecision()).isEqualTo("{\"action\":\"NONE\"}");
    }

    @Test
    void historyAndAuditAreReadNewestFirst() {
        CoordinatorStore s = store();
        UUID op = UUID.randomUUID();
        s.history("operation-started", op, "failover primary -> standby");
        s.history("freeze", null, "frozen by alice: maintenance");
        s.audit("freeze", "alice", "maintenance", "until unfrozen");
        s.audit("unfreeze", "bob", null, null);

        List<HistoryEntry> h = s.history(10);
        assertThat(h).extracting(HistoryEntry::kind).containsExactly("freeze", "operation-started");
        assertThat(h.get(1).operationId()).isEqualTo(op);
        assertThat(h.get(0).id()).isGreaterThan(h.get(1).id());
        assertThat(s.history(1)).hasSize(1);
        assertThat(s.audit(10)).extracting(AuditEntry::action, AuditEntry::actor).containsExactly(
                org.assertj.core.groups.Tuple.tuple("unfreeze", "bob"), org.assertj.core.groups.Tuple.tuple("freeze", "alice"));
    }
}
