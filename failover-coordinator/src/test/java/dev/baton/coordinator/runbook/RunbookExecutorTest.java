package dev.baton.coordinator.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.common.wire.FailoverState;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StepRow;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Configured runbooks: veto window, pre-hooks that veto, ssh steps with the epoch, and each on-failure policy. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class RunbookExecutorTest {

    @InjectWorld
    World world;

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Inject
    CoordinatorStore store;

    @Inject
    RunbookExecutor executor;

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

    private static RunbookStep step(String type, String name, RunbookStep.OnFailure onFailure) {
        return new RunbookStep(name, type, "to", null, null, "INFO", null, null, "containers", Duration.ofSeconds(20), 0, onFailure);
    }

    private static RunbookStep ssh(String name, String site, String command, RunbookStep.OnFailure onFailure) {
        return new RunbookStep(name, "ssh", site, command, null, "INFO", null, null, "containers", Duration.ofSeconds(20), 1, onFailure);
    }

    private OperationRow run(List<RunbookStep> plan) {
        OperationRow op = new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "automatic", "primary", "standby", "test",
                OperationRow.Status.RUNNING, 1, FailoverState.PRIMARY_ACTIVE, null, Instant.now(), null, null, null);
        assertThat(store.begin(op, RunbookExecutor.journal(plan), FailoverState.PRIMARY_ACTIVE, 0, FailoverState.FAILING_OVER)).isTrue();
        executor.start(op, plan);
        return op;
    }

    @Test
    void anOperatorVetoInTheVetoWindowLeavesThePrimaryUntouched() {
        RunbookStep veto = new RunbookStep(RunbookPlanner.VETO_WINDOW, RunbookPlanner.VETO_WINDOW, "to", null, null, "INFO", null,
                Duration.ofSeconds(30), "containers", Duration.ofSeconds(60), 0, RunbookStep.OnFailure.ABORT);
        OperationRow op = run(List.of(veto, step("fence", "fence", RunbookStep.OnFailure.ABORT), step("start", "start", RunbookStep.OnFailure.ABORT)));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(WireMock.matchingJsonPath("$.title", WireMock.containing("unless vetoed")))));

        CoordinatorTestSupport.post("/api/v1/operations/" + op.id() + "/veto", "").statusCode(202);

        assertThat(awaitEnd(op.id().toString())).isEqualTo("VETOED");
        assertThat(store.state().state()).isEqualTo(FailoverState.PRIMARY_ACTIVE);
        assertThat(world.primaryCompose().running()).containsAll(World.ENGINE);
        assertThat(world.primaryCommands()).isEmpty();
        assertThat(store.audit(5)).anySatisfy(a -> assertThat(a.action()).isEqualTo("veto"));
    }

    @Test
    void aPreHookAnsweringNon2xxVetoesBeforeAnythingIsTouched() {
        world.fakes.stubFor(post(urlPathEqualTo("/hooks/pre")).willReturn(World.json(412, "{\"error\":\"open orders\"}")));
        RunbookStep hook = new RunbookStep("pre-hook", "http-hook", "to", null, world.fakes.baseUrl() + "/hooks/pre", "INFO", null, null,
                "containers", Duration.ofSeconds(10), 0, RunbookStep.OnFailure.ABORT);
        OperationRow op = run(List.of(hook, step("fence", "fence", RunbookStep.OnFailure.ABORT), step("start", "start", RunbookStep.OnFailure.ABORT)));

        assertThat(awaitEnd(op.id().toString())).isEqualTo("ABORTED");
        assertThat(store.state().state()).as("a clean abort restores the previous state").isEqualTo(FailoverState.PRIMARY_ACTIVE);
        assertThat(store.operation(op.id()).orElseThrow().detail()).contains("412");
        assertThat(world.primaryCompose().running()).containsAll(World.ENGINE);
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/hooks/pre"))
                .withRequestBody(WireMock.matchingJsonPath("$.epoch", WireMock.equalTo("1"))));
    }

    @Test
    void sshStepsGetTheEpochAndFailuresFollowTheirPolicy() {
        world.standby.handler(request -> request.command().startsWith("pg_ctl")
                ? CommandHandler.Reply.ok("server promoting\n")
                : request.command().startsWith("redis-cli") ? CommandHandler.Reply.fail(1, "Could not connect to Redis\n")
                : world.standbyCompose().handle(request));
        try {
            OperationRow op = run(List.of(
                    step("fence", "fence", RunbookStep.OnFailure.ABORT),
                    step("start", "start", RunbookStep.OnFailure.ABORT),
                    ssh("promote-db", "to", "pg_ctl promote -D /var/lib/postgresql/data", RunbookStep.OnFailure.ABORT),
                    ssh("promote-redis", "to", "redis-cli REPLICAOF NO ONE", RunbookStep.OnFailure.CONTINUE),
                    ssh("check", "to", "redis-cli PING", RunbookStep.OnFailure.NEEDS_OPERATOR)));

            assertThat(awaitEnd(op.id().toString())).isEqualTo("NEEDS_OPERATOR");
            List<StepRow> steps = store.steps(op.id());
            assertThat(steps).extracting(StepRow::status).containsExactly(StepRow.Status.SUCCEEDED, StepRow.Status.SUCCEEDED,
                    StepRow.Status.SUCCEEDED, StepRow.Status.FAILED, StepRow.Status.FAILED);
            assertThat(steps.get(3).attempts()).as("one retry configured").isEqualTo(2);
            assertThat(store.state().state()).isEqualTo(FailoverState.DEGRADED);
            assertThat(store.state().activeSite()).as("the standby was started, so it is the active site").isEqualTo("standby");
            assertThat(world.standbyCommands()).filteredOn(r -> r.command().startsWith("pg_ctl")).singleElement()
                    .satisfies(r -> assertThat(r.env()).containsEntry("BATON_EPOCH", "1"));
        } finally {
            world.standby.handler(request -> world.standbyCompose().handle(request));
        }
    }

    @Test
    void aFailedStepAfterTheFenceIsNeverACleanAbort() {
        world.fakes.stubFor(post(urlPathEqualTo("/api/v1/sync")).atPriority(1).willReturn(World.json(409,
                "{\"type\":\"about:blank\",\"title\":\"Stale epoch\",\"status\":409,\"detail\":\"epoch 1 < 3\"}")));
        OperationRow op = run(List.of(step("fence", "fence", RunbookStep.OnFailure.ABORT), step("sync", "final-sync", RunbookStep.OnFailure.ABORT),
                step("start", "start", RunbookStep.OnFailure.ABORT)));

        assertThat(awaitEnd(op.id().toString())).isEqualTo("FAILED");
        assertThat(store.steps(op.id()).get(1).detail()).contains("refused").contains("409");
        assertThat(store.state().state()).isEqualTo(FailoverState.DEGRADED);
        assertThat(world.standbyCompose().events()).as("a refused final sync does not start the standby").isEmpty();
    }
}
