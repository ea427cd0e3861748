package dev.baton.coordinator.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.github.tomakehurst.wiremock.client.WireMock;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.client.NotifierClient;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.CoordinatorTestSupport;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/**
 * An operation that ends DEGRADED while the notifier is down (the namespace campaign's run 63 of seed 20261221:
 * dns-manager and the notifier both killed) must still page: the coordinator keeps the outcome alert the notifier
 * never accepted and sends it again, marked as delayed, once the notifier answers.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class AlertRetryTest extends AgainstTheWorld {
    @Inject
    NotifierClient notifier;

    @Test
    void anOutcomeAlertTheNotifierDidNotAcceptIsSentAgainOnceItAnswers() {
        StubMapping down = notifierDown();
        world.dns.changedByAnotherWriter("192.0.2.99");

        String op = CoordinatorTestSupport.post("/api/v1/failover", new FailoverRequest("planned switchover", false, false))
                .statusCode(202).extract().path("operation");
        awaitEnd(op);

        given().get("/api/v1/operations/" + op).then().body("status", equalTo("NEEDS_OPERATOR"));
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED"));
        // the outcome alert is sent after the outcome is written (and tried a few times): the operation may read as ended first
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> notifier.pendingCount() > 0);

        world.fakes.removeStub(down);
        notifier.retryPending();

        assertThat(notifier.pendingCount()).isZero();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.title", WireMock.containing("needs_operator")))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing("State: DEGRADED")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing("(delayed: the notifier did not accept this alert at ")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing("notifier answered 503"))));
    }

    @Test
    void anAlertTheNotifierRejectsIsNotKeptNorHoldsBackTheOthers() {
        // at one priority the stub added last wins: the notifier down for every alert but the one it rejects
        StubMapping down = notifierDown();
        StubMapping rejected = world.fakes.stubFor(post(urlPathEqualTo("/api/v1/alerts")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.dedupKey", WireMock.equalTo("rejected")))
                .willReturn(aResponse().withStatus(422).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":422,\"title\":\"Unprocessable\"}")));
        try {
            int before = notifier.pendingCount();
            assertThat(notifier.trySend(dev.baton.common.wire.Severity.WARNING, "Baton: rejected", "body", "rejected", java.util.Map.of()))
                    .isFalse();
            assertThat(notifier.pendingCount()).as("a 422 is not kept: it would be refused again").isEqualTo(before);
            assertThat(notifier.trySend(dev.baton.common.wire.Severity.WARNING, "Baton: later", "body", "later", java.util.Map.of()))
                    .isFalse();
            assertThat(notifier.pendingCount()).isEqualTo(before + 1);
        } finally {
            world.fakes.removeStub(down);
            world.fakes.removeStub(rejected);
        }
        notifier.retryPending();
        assertThat(notifier.pendingCount()).isZero();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.dedupKey", WireMock.equalTo("later")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing("(delayed: "))));
    }

    @Test
    void whileTheNotifierStillRefusesTheAlertStaysKept() {
        StubMapping down = notifierDown();
        try {
            assertThat(notifier.trySend(dev.baton.common.wire.Severity.CRITICAL, "Baton: test alert", "body", "retry-test", java.util.Map.of()))
                    .isFalse();
            int kept = notifier.pendingCount();
            assertThat(kept).isPositive();
            notifier.retryPending();
            assertThat(notifier.pendingCount()).as("still refused: kept, in its place").isEqualTo(kept);
        } finally {
            world.fakes.removeStub(down);
        }
        notifier.retryPending();
        assertThat(notifier.pendingCount()).isZero();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.dedupKey", WireMock.equalTo("retry-test")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing("body\n\n(delayed: "))));
    }

    /** The notifier answers 503 to every alert (over the world's own stub: at one priority the last added wins). */
    private StubMapping notifierDown() {
        return world.fakes.stubFor(post(urlPathEqualTo("/api/v1/alerts")).atPriority(1)
                .willReturn(aResponse().withStatus(503).withHeader("Content-Type", "application/problem+json")
                        .withBody("{\"status\":503,\"title\":\"Service Unavailable\"}")));
    }
}
