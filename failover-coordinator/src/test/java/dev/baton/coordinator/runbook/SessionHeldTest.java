package dev.baton.coordinator.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
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
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A session the broker still holds after the fence (the old engine, or something else, is logged in): however long
 * the linger, the standby must not start. With a 3 s fence step the session check still says "held" at the
 * deadline, so the fence is unconfirmed: DEGRADED, the standby never started, a page.
 */
@QuarkusTest
@TestProfile(SessionHeldTest.ShortFence.class)
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class SessionHeldTest extends AgainstTheWorld {

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

        String op = post("/api/v1/failover", new FailoverRequest("planned switchover", false, false)).statusCode(202).extract().path("operation");

        assertThat(awaitEnd(op)).isEqualTo("FAILED");
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("primary"));
        given().get("/api/v1/operations/" + op).then().body("sessionRelease", nullValue())
                .body("steps.find { it.type == 'fence' }.status", equalTo("FAILED"))
                .body("steps.find { it.type == 'fence' }.detail", containsString("UNCONFIRMED: the broker did not release"))
                .body("steps.find { it.type == 'fence' }.detail", containsString("still held (live is true, expected false)"))
                .body("steps.find { it.type == 'start' }.status", equalTo("PENDING"));
        assertThat(world.sessionAnswers()).hasSizeGreaterThan(1).allSatisfy(a -> assertThat(a.live()).isTrue());
        assertThat(world.standbyCompose().events()).as("the standby was never started").isEmpty();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL"))));
    }
}
