package dev.baton.coordinator.support;

import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.Coordinator;
import dev.baton.coordinator.runbook.RunbookExecutor;
import dev.baton.coordinator.runbook.SiteShell;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tests' "never two engines" oracle ({@link World#assertNeverTwoEngines}) can fail: a coordinator that starts
 * the primary while the standby runs (a test-only fault: the coordinator's own SiteShell sends {@code up -d}) is
 * caught, also after the test injected a restart of its own that Baton fenced. Before, one injected restart
 * excused every later primary start.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class OracleTest {

    @InjectWorld
    World world;

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Inject
    RunbookExecutor executor;

    @Inject
    VerdictBook verdictBook;

    @Inject
    SiteShell shell;

    @Inject
    Coordinator coordinator;

    @BeforeEach
    void reset() throws Exception {
        CoordinatorTestSupport.reset(world, pg, executor, verdictBook);
    }

    @Test
    void aWrongPrimaryStartWhileTheStandbyRunsIsCaughtEvenAfterAnInjectedRestart() throws Exception {
        String op = post("/api/v1/failover", new FailoverRequest("planned", false, false)).statusCode(202).extract().path("operation");
        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");
        // the test's own fault, which Baton fences: excused
        world.primaryEngineRestartsByItself();
        assertThat(coordinator.guard()).hasValueSatisfying(o -> assertThat(o).contains("fenced again"));
        world.assertNeverTwoEngines();

        // the fault the oracle exists for: the coordinator itself starts the primary while the standby trades
        shell.exec("primary", shell.compose("primary", "up -d"), 1, Duration.ofSeconds(10));

        assertThatThrownBy(world::assertNeverTwoEngines).isInstanceOf(AssertionError.class)
                .hasMessageContaining("primary started").hasMessageContaining("while the other site ran");
        // leave no engine behind for the next test class sharing the World
        shell.exec("primary", shell.compose("primary", "stop"), 1, Duration.ofSeconds(10));
    }
}
