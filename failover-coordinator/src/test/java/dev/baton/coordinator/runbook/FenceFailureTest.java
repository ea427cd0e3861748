package dev.baton.coordinator.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.http.Fault;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.ComposeEmulator;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every way a fence can fail to be confirmed, with a 3 s fence step: the operation ends FAILED in DEGRADED, the
 * other site is never started, a CRITICAL alert goes out, and the journal says why. The paths: a session the
 * broker still holds at the deadline; a power-off the endpoint accepts but never confirms; a power-off status URL
 * that cannot be read; {@code compose stop} failing over working SSH (on a site without fencing endpoint); the
 * engine still listed by {@code compose ps} after the stop.
 */
@QuarkusTest
@TestProfile(FenceFailureTest.ShortFence.class)
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class FenceFailureTest extends AgainstTheWorld {

    public static class ShortFence implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String s = "baton.coordinator.runbooks.failover.steps";
            return Map.of(s + "[0].type", "fence", s + "[0].timeout", "3s", s + "[1].type", "start");
        }
    }


    @Test
    void aSessionStillHeldAtTheFenceDeadlineKeepsTheStandbyStoppedAndPages() {
        world.brokerSession(true);

        String op = failover();

        assertUnconfirmed(op, "UNCONFIRMED: the broker did not release", "still held (live is true, expected false)");
        given().get("/api/v1/operations/" + op).then().body("sessionRelease", nullValue());
        assertThat(world.sessionAnswers()).hasSizeGreaterThan(1).allSatisfy(a -> assertThat(a.live()).isTrue());
    }

    @Test
    void aPowerOffTheEndpointAcceptsButNeverConfirms() throws Exception {
        world.primary.stop();
        // 201 for the action, but the server keeps reporting "running"
        world.fakes.stubFor(post(urlPathEqualTo("/v1/servers/42/actions/poweroff")).atPriority(1)
                .willReturn(World.json(201, "{\"action\":{\"id\":7,\"command\":\"poweroff\",\"status\":\"running\"}}")));

        String op = failover();

        assertUnconfirmed(op, "UNCONFIRMED: fencing endpoint accepted power-off of primary but it never reported off");
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/v1/servers/42/actions/poweroff")));
    }

    @Test
    void aPowerOffWhoseStatusCannotBeRead() throws Exception {
        world.primary.stop();
        world.fakes.stubFor(post(urlPathEqualTo("/v1/servers/42/actions/poweroff")).atPriority(1)
                .willReturn(World.json(201, "{\"action\":{\"id\":7,\"command\":\"poweroff\",\"status\":\"running\"}}")));
        world.fakes.stubFor(get(urlPathEqualTo("/v1/servers/42")).atPriority(1)
                .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)));

        String op = failover();

        assertUnconfirmed(op, "UNCONFIRMED: fencing endpoint for primary failed");
    }

    @Test
    void theEngineStillListedAfterTheStop() {
        world.primaryCompose().stuck(true);

        String op = failover();

        // the services in whatever order compose lists them
        assertUnconfirmed(op, "still running on primary after stop", "UNCONFIRMED: ", "trading-engine", "ib-gateway");
        assertThat(world.primaryCommands()).extracting(CommandHandler.Request::command).anyMatch(c -> c.contains(" stop "));
        world.fakes.verify(0, postRequestedFor(urlPathEqualTo("/v1/servers/42/actions/poweroff")));
        world.primaryCompose().stuck(false);
    }

    @Test
    void composeStopFailingOverWorkingSshOnASiteWithoutFencingEndpoint() throws Exception {
        // failover (the default failback runbook is not shortened), then the standby's Docker breaks
        world.brokerSession(false);
        String failover = failover();
        assertThat(given().get("/api/v1/operations/" + failover).then().extract().<String>path("status")).isEqualTo("SUCCEEDED");
        pg.execute("UPDATE coordinator_state SET last_operation_end = now() - interval '10 minutes'");
        world.standbyCompose().failing(true);
        int primaryStarts = (int) world.primaryCompose().events().stream().filter(ComposeEmulator.Event::running).count();

        String failback = post("/api/v1/failback", new FailbackRequest("primary repaired", false)).statusCode(202).extract().path("operation");
        assertThat(awaitEnd(failback)).isEqualTo("FAILED");

        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("standby"));
        given().get("/api/v1/operations/" + failback).then()
                .body("steps.find { it.type == 'fence' }.detail", containsString("UNCONFIRMED: cannot fence standby"))
                .body("steps.find { it.type == 'fence' }.detail", containsString("Cannot connect to the Docker daemon"))
                .body("steps.find { it.type == 'fence' }.detail", containsString("no fencing endpoint"))
                .body("steps.find { it.type == 'start' }.status", equalTo("PENDING"));
        assertThat(world.primaryCompose().events().stream().filter(ComposeEmulator.Event::running).count())
                .as("the primary was not started again").isEqualTo(primaryStarts);
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                .withRequestBody(matchingJsonPath("$.title", WireMock.containing("failback failed"))));
        world.standbyCompose().failing(false);
    }

    private String failover() {
        String op = post("/api/v1/failover", new FailoverRequest("planned switchover", false, false)).statusCode(202).extract().path("operation");
        awaitEnd(op);
        return op;
    }

    /** FAILED, DEGRADED with the primary still the active site, the fence's reason journaled, no start, a page. */
    private void assertUnconfirmed(String op, String... reason) {
        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("FAILED");
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("primary"));
        String fence = given().get("/api/v1/operations/" + op).then().body("steps.find { it.type == 'fence' }.status", equalTo("FAILED"))
                .body("steps.find { it.type == 'start' }.status", equalTo("PENDING")).extract().path("steps.find { it.type == 'fence' }.detail");
        assertThat(fence).contains(reason);
        given().get("/api/v1/operations/" + op).then().body("detail", containsString("standby NOT started"));
        assertThat(world.standbyCommands()).extracting(CommandHandler.Request::command).noneMatch(c -> c.contains(" up -d"));
        assertThat(world.standbyCompose().events()).as("the standby was never started").isEmpty();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing(reason[0]))));
    }
}
