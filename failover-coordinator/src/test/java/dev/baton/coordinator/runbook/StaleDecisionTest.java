package dev.baton.coordinator.runbook;

import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.policy.FailoverPolicy;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A decision is about the verdicts as they are when it is taken. Run 213 of namespace seed 20261242 (at 728cfe8): the
 * policy read the verdicts (the primary's engine had crashed: DOWN), then asked a SIGSTOPped state-sync for its
 * status, which hung 4 s; the primary came back meanwhile and the coordinator failed it over anyway, on the old
 * verdicts. Here the tick's state-sync call hangs while the observers report the primary back.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class StaleDecisionTest extends AgainstTheWorld {
    @Inject
    Coordinator coordinator;

    private final ExecutorService tick = Executors.newSingleThreadExecutor();

    @AfterEach
    void stop() {
        world.stateSync.releaseStatus();
        tick.shutdownNow();
    }

    @Test
    void verdictsThatChangeWhileStateSyncHangsAreTheOnesTheTickDecidesOn() throws Exception {
        verdicts(HealthStatus.DOWN, HealthStatus.UP);
        coordinator.forgetSyncStatus();
        world.stateSync.holdStatus();

        Future<Decision> decided = tick.submit(coordinator::evaluate);
        world.stateSync.awaitHeldStatus();
        // the tick waits for state-sync; the primary comes back
        verdicts(HealthStatus.UP, HealthStatus.UP);
        world.stateSync.releaseStatus();
        Decision d = decided.get(60, TimeUnit.SECONDS);

        assertThat(d.action()).as(d.summary()).isEqualTo(Decision.Action.NONE);
        assertThat(d.holds(FailoverPolicy.ACTIVE_DOWN)).isFalse();
        assertThat(given().get("/api/v1/status").then().extract().<String>path("state")).isEqualTo("PRIMARY_ACTIVE");
        assertThat(world.sent()).noneSatisfy(s -> assertThat(s.command()).contains(" restart ").contains("trading-engine"));
    }
}
