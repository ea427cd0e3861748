package dev.baton.coordinator.store;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.FailoverState;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.Coordinator;
import dev.baton.coordinator.store.Leadership;
import dev.baton.coordinator.runbook.RunbookExecutor;
import dev.baton.coordinator.runbook.RunbookPlanner;
import dev.baton.coordinator.runbook.RunbookStep;
import dev.baton.coordinator.support.CoordinatorTestSupport;
import dev.baton.coordinator.support.InjectWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A coordinator that dies mid-failover leaves a journal in PostgreSQL; the next one resumes from it
 * (or, when it is too old, aborts to DEGRADED and pages). Also: the leader lease and the epoch guard
 * that stop a second or stale coordinator from acting.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class RecoveryAndLeadershipTest {

    @InjectWorld
    World world;

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Inject
    CoordinatorStore store;

    @Inject
    Coordinator coordinator;

    @Inject
    RunbookExecutor executor;

    @Inject
    RunbookPlanner planner;

    @Inject
    Leadership lease;

    @Inject
    io.vertx.mutiny.sqlclient.Pool pool;

    @Inject
    VerdictBook verdicts;

    @BeforeEach
    void reset() throws Exception {
        CoordinatorTestSupport.reset(world, pg, executor, verdicts);
    }

    @AfterEach
    void neverTwoEngines() {
        world.assertNeverTwoEngines();
    }

    /** What a coordinator had written before it was killed: the operation, its plan, and the steps it finished. */
    private OperationRow crashedDuring(String runningStep, Instant startedAt) {
        OperationRow op = new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "manual", "primary", "standby", "planned",
                OperationRow.Status.RUNNING, 1, FailoverState.PRIMARY_ACTIVE, null, startedAt, null, null, null);
        List<RunbookStep> plan = planner.plan(OperationRow.Kind.FAILOVER, false);
        assertThat(store.begin(op, RunbookExecutor.journal(plan), FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isTrue();
        for (int i = 0; i < plan.size(); i++) {
            store.stepStarted(op.id(), i, startedAt);
            if (plan.get(i).name().equals(runningStep)) {
                break;
            }
            if (plan.get(i).type().equals("fence")) {
                // the dead coordinator really did stop the primary's engine
                world.primaryCompose().handle(new CommandHandler.Request("docker compose stop", Map.of(), world.primary.root()));
            }
            store.stepFinished(op.id(), i, StepRow.Status.SUCCEEDED, "done before the crash", startedAt);
        }
        return op;
    }

    private void recoverAndWait() throws Exception {
        for (Future<?> f : coordinator.recover()) {
            f.get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aFailoverKilledRightAfterItBeganIsResumedWithItsWholePlan() throws Exception {
        // found by the drill's chaos run: the steps used to be journaled after the operation's own transaction,
        // so a coordinator killed in between left a RUNNING operation with a partial plan, abandoned to DEGRADED
        OperationRow op = new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "automatic", "primary", "standby", "engine down",
                OperationRow.Status.RUNNING, 1, FailoverState.PRIMARY_ACTIVE, null, Instant.now().minusSeconds(2), null, null, null);
        List<RunbookStep> plan = planner.plan(OperationRow.Kind.FAILOVER, true);
        assertThat(store.begin(op, RunbookExecutor.journal(plan), FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isTrue();
        assertThat(store.steps(op.id())).as("the whole plan is journaled with the operation")
                .extracting(StepRow::name).containsExactlyElementsOf(plan.stream().map(RunbookStep::name).toList());

        recoverAndWait();

        assertThat(store.operation(op.id()).orElseThrow().status()).isEqualTo(OperationRow.Status.SUCCEEDED);
        assertThat(store.state().state()).isEqualTo(FailoverState.STANDBY_ACTIVE);
        assertThat(world.primaryCompose().running()).isEmpty();
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);
    }

    @Test
    void aFailoverInterruptedAfterTheFenceResumesFromTheJournal() throws Exception {
        OperationRow op = crashedDuring("final-sync", Instant.now().minusSeconds(20));

        recoverAndWait();

        OperationRow done = store.operation(op.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(OperationRow.Status.SUCCEEDED);
        List<StepRow> steps = store.steps(op.id());
        assertThat(steps).allSatisfy(s -> assertThat(s.status()).isEqualTo(StepRow.Status.SUCCEEDED));
        assertThat(steps.stream().filter(s -> s.type().equals("fence")).findFirst().orElseThrow().attempts())
                .as("a finished fence is not run again").isEqualTo(1);
        assertThat(steps.stream().filter(s -> s.name().equals("final-sync")).findFirst().orElseThrow().attempts())
                .as("the interrupted step is run again").isEqualTo(2);
        StateRow state = store.state();
        assertThat(state.state()).isEqualTo(FailoverState.STANDBY_ACTIVE);
        assertThat(state.activeSite()).isEqualTo("standby");
        assertThat(state.epoch()).isEqualTo(1);
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);
        assertThat(store.history(10)).extracting(HistoryEntry::kind).contains("operation-resumed", "operation-succeeded");
    }

    @Test
    void aFailoverInterruptedDuringTheFenceFencesAgainBeforeStarting() throws Exception {
        OperationRow op = crashedDuring("fence", Instant.now().minusSeconds(5));

        recoverAndWait();

        assertThat(store.operation(op.id()).orElseThrow().status()).isEqualTo(OperationRow.Status.SUCCEEDED);
        assertThat(world.primaryCompose().running()).isEmpty();
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);
        assertThat(world.primaryCommands()).extracting(CommandHandler.Request::command).anyMatch(c -> c.contains(" stop "));
    }

    @Test
    void anOperationTooOldToResumeIsAbandonedToDegradedAndPages() throws Exception {
        OperationRow op = crashedDuring("final-sync", Instant.now().minus(Duration.ofHours(1)));

        recoverAndWait();

        OperationRow done = store.operation(op.id()).orElseThrow();
        assertThat(done.status()).isEqualTo(OperationRow.Status.FAILED);
        assertThat(done.detail()).contains("did not resume");
        assertThat(store.state().state()).isEqualTo(FailoverState.DEGRADED);
        assertThat(store.state().activeSite()).isEqualTo("primary");
        assertThat(world.standbyCompose().events()).as("the standby was not started").isEmpty();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL"))));
    }

    @Test
    void aSecondCoordinatorCannotTakeAnUnexpiredLeaseAndAFollowerRefusesToAct() throws Exception {
        PostgresStore direct = new PostgresStore(pool);
        assertThat(lease.isLeader()).isTrue();
        long ourTerm = lease.term();
        assertThat(direct.tryLead("intruder", Duration.ofSeconds(30))).as("the lease is held").isEmpty();

        // our lease lapses (say a long GC pause): another instance takes it in a new term, and we become a follower
        pg.execute("UPDATE leader_lease SET expires_at = now() - interval '1 second'");
        assertThat(direct.tryLead("other-coordinator", Duration.ofMinutes(5))).contains(ourTerm + 1);
        lease.renew();
        try {
            assertThat(lease.isLeader()).isFalse();
            post("/api/v1/failover", new FailoverRequest("from a follower", false, false)).statusCode(503)
                    .body("detail", containsString("other-coordinator"));
            assertThat(coordinator.evaluate()).as("a follower does not decide").isNull();
            // reads are still served
            io.restassured.RestAssured.given().get("/api/v1/status").then().statusCode(200);
        } finally {
            pg.execute("UPDATE leader_lease SET expires_at = now() - interval '1 second'");
            lease.renew();
        }
        assertThat(lease.isLeader()).isTrue();
        assertThat(lease.term()).as("taking the lease back is a new term again").isEqualTo(ourTerm + 2);
    }

    @Test
    void aStaleCoordinatorCannotWriteAnOutcomeOnceTheEpochMovedOn() {
        OperationRow op = new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "manual", "primary", "standby", "planned",
                OperationRow.Status.RUNNING, 1, FailoverState.PRIMARY_ACTIVE, null, Instant.now(), null, null, null);
        assertThat(store.begin(op, List.of(), FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isTrue();
        // a second begin against the same expected state loses
        assertThat(store.begin(new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "manual", "primary", "standby", "x",
                OperationRow.Status.RUNNING, 1, FailoverState.PRIMARY_ACTIVE, null, Instant.now(), null, null, null),
                List.of(), FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isFalse();

        assertThat(store.finish(op.id(), 0, OperationRow.Status.SUCCEEDED, FailoverState.STANDBY_ACTIVE, "standby", "stale", Instant.now()))
                .as("epoch 0 is stale").isFalse();
        assertThat(store.state().state()).isEqualTo(FailoverState.FAILING_OVER);
        assertThat(store.finish(op.id(), 1, OperationRow.Status.ABORTED, FailoverState.PRIMARY_ACTIVE, "primary", "test", Instant.now()))
                .isTrue();
        assertThat(store.state().state()).isEqualTo(FailoverState.PRIMARY_ACTIVE);
        assertThat(store.state().lastOperationEnd()).isNotNull();
    }
}
