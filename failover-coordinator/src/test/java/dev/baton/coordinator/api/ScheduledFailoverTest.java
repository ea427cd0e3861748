package dev.baton.coordinator.api;

import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.replay.Replayer;
import dev.baton.coordinator.support.InjectWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** With the scheduler on, nobody calls the coordinator: observers' verdicts alone make it fail over. */
@QuarkusTest
@TestProfile(ScheduledFailoverTest.SchedulerOn.class)
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class ScheduledFailoverTest {

    public static class SchedulerOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.scheduler.enabled", "true", "baton.coordinator.tick", "500ms",
                    "baton.coordinator.guard.interval", "1s", "baton.coordinator.policy.remediation.enabled", "false");
        }
    }

    @InjectWorld
    World world;

    @Test
    void quorumOfDownVerdictsFailsOverOnItsOwnAndTheGuardKeepsTheOldPrimaryDown() throws Exception {
        Instant started = Instant.now().minusMillis(1);
        verdicts(HealthStatus.DOWN, HealthStatus.UP);

        // observers keep reporting (their heartbeat), as they would while the primary stays down
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            verdicts(HealthStatus.DOWN, HealthStatus.UP);
            given().get("/api/v1/status").then().body("state", equalTo("STANDBY_ACTIVE")).body("epoch", equalTo(1));
        });
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);

        // the old primary reboots and its restart policy brings the engine back: the guard fences it on its own
        world.primaryEngineRestartsByItself();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> {
                    assertThat(world.primaryCompose().running()).isEmpty();
                    // the guard records the fence once the stop is confirmed, a moment after the engine stopped
                    given().get("/api/v1/history").then().body("kind", org.hamcrest.Matchers.hasItem("split-brain"));
                });
        given().get("/api/v1/status").then().body("state", equalTo("STANDBY_ACTIVE"));
        world.assertNeverTwoEngines();
        theReplayOfItsRecordingDecidesAsItDid(started);
    }

    /**
     * The golden check of {@code baton replay}: this coordinator's own recording of the run, replayed with the settings
     * its header says the coordinator ran with (nothing given), fails over from the same site to the same site, one tick at most after the live decision (the replay
     * ticks every 500 ms from the recording's first entry; the live scheduler's ticks may only come later).
     */
    private static void theReplayOfItsRecordingDecidesAsItDid(Instant started) throws Exception {
        String recording = given().auth().oauth2(dev.baton.coordinator.support.CoordinatorTestSupport.TOKEN).queryParam("from", started.toString())
                .get("/api/v1/verdicts/export").then().statusCode(200).extract().asString();
        List<String> live = recording.lines().filter(l -> l.startsWith("{\"t\":\"d\"")).toList();
        assertThat(live).hasSize(1).allMatch(l -> l.contains("\"action\":\"PROCEED\",\"from\":\"primary\",\"to\":\"standby\""));

        Replayer.Report replay = Replayer.replay(new java.io.BufferedReader(new java.io.StringReader(recording)), List.of(Map.of()),
                Duration.ofSeconds(30));

        // this coordinator's settings are in its header (the export may begin in a segment of an earlier test's
        // coordinator, whose header then comes first: the last header is this one's)
        String header = recording.lines().filter(l -> l.startsWith("{\"schema\"")).reduce((a, b) -> b).orElseThrow();
        assertThat(header).contains("\"tick\":\"500ms\"").contains("\"policy.remediation.enabled\":\"false\"")
                .contains("\"observers.names\":\"obs-a,obs-b,obs-c\"");
        Replayer.Result r = replay.results().get(0);
        assertThat(r.candidate().label()).isEqualTo("as recorded");
        assertThat(r.failovers()).hasSize(1);
        assertThat(r.failovers().get(0).from()).isEqualTo("primary");
        assertThat(r.failovers().get(0).to()).isEqualTo("standby");
        assertThat(r.sameAsActual()).isEqualTo(1);
        assertThat(r.failovers().get(0).fromActual()).isLessThanOrEqualTo(Duration.ofMillis(500));
    }
}
