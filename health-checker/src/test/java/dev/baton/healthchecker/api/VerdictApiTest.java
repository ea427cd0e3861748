package dev.baton.healthchecker.api;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.healthchecker.testing.InjectPeers;
import dev.baton.healthchecker.testing.LoopbackPeersResource;
import dev.baton.healthchecker.testing.LoopbackPeersResource.Peers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The running service against a loopback target it probes and a coordinator it pushes to: verdicts
 * follow the target through the thresholds, and reach the API, the SSE stream and the coordinator.
 */
@QuarkusTest
@WithTestResource(LoopbackPeersResource.class)
class VerdictApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Duration PATIENCE = Duration.ofSeconds(20);

    @InjectPeers
    Peers peers;

    @TestHTTPResource("/api/v1/verdicts/stream")
    URI stream;

    @BeforeEach
    void healthyTargetAndWorkingCoordinator() {
        peers.coordinatorAccepts();
        peers.target().healthy(true);
        peers.standbyExit().set(0);
        awaitPrimary("UP");
    }

    private static void awaitPrimary(String status) {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/verdicts").then().statusCode(200)
                .body("sites.primary.status", equalTo(status)));
    }

    @Test
    void theVerdictFollowsTheTargetDownAndBackUp() {
        given().get("/api/v1/verdicts").then()
                .body("observer", equalTo("test-observer"))
                .body("sites.primary.checks.find { it.name == 'primary-engine' }.type", equalTo("http"))
                .body("sites.primary.checks.find { it.name == 'primary-engine' }.consecutiveSuccesses", org.hamcrest.Matchers.greaterThanOrEqualTo(2));

        peers.target().healthy(false);
        awaitPrimary("DOWN");
        given().get("/api/v1/verdicts").then()
                .body("sites.primary.checks.find { it.name == 'primary-engine' }.lastError", equalTo("HTTP 503, expected [200]"))
                .body("sites.primary.checks.find { it.name == 'primary-engine' }.consecutiveFailures", org.hamcrest.Matchers.greaterThanOrEqualTo(2));

        peers.target().healthy(true);
        awaitPrimary("UP");
    }

    @Test
    void aHungTargetCostsItsOwnTimeoutAndNothingElse() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/checks/primary-reports").then()
                .body("status", equalTo("DOWN"))
                .body("lastError", equalTo("no complete response within 900 ms")));
        // non-critical: the site stays UP, and the other checks keep being probed
        String before = given().get("/api/v1/checks/primary-engine").then().extract().path("checkedAt");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(
                given().get("/api/v1/checks/primary-engine").then().extract().<String>path("checkedAt")).isNotEqualTo(before));
        given().get("/api/v1/verdicts").then().body("sites.primary.status", equalTo("UP"));
    }

    @Test
    void theStandbyContainerCheckRunsOverSshWithNagiosExitCodes() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/verdicts").then()
                .body("sites.standby.status", equalTo("UP")));
        peers.standbyExit().set(1);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/checks/standby-engine-container").then()
                .body("status", equalTo("UP"))
                .body("lastError", equalTo("warning: exit 1: WARNING - engine restarting")));
        peers.standbyExit().set(2);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/verdicts").then()
                .body("sites.standby.status", equalTo("DOWN"))
                .body("sites.standby.checks[0].lastError", equalTo("exit 2: Error: No such object: trading-engine")));
        peers.standbyExit().set(0);
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/verdicts").then()
                .body("sites.standby.status", equalTo("UP")));
    }

    @Test
    void everyChangeIsPushedToTheCoordinatorWithTheBearerToken() {
        peers.target().healthy(false);
        await().atMost(PATIENCE).untilAsserted(() -> peers.coordinator().verify(postRequestedFor(urlEqualTo("/api/v1/verdicts"))
                .withHeader("Authorization", WireMock.equalTo("Bearer " + LoopbackPeersResource.COORDINATOR_TOKEN))
                .withHeader("Content-Type", WireMock.containing("application/json"))
                .withRequestBody(matchingJsonPath("$.observer", WireMock.equalTo("test-observer")))
                .withRequestBody(matchingJsonPath("$.sites.primary.status", WireMock.equalTo("DOWN")))));
    }

    @Test
    void aHeartbeatIsPushedWhenNothingChanges() {
        peers.coordinator().resetRequests();
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(peers.coordinator()
                .findAll(postRequestedFor(urlEqualTo("/api/v1/verdicts"))
                        .withRequestBody(matchingJsonPath("$.sites.primary.status", WireMock.equalTo("UP"))))).hasSizeGreaterThanOrEqualTo(2));
    }

    @Test
    void aFailingCoordinatorIsRetriedWithTheLatestVerdictAndNeverStallsProbing() {
        peers.coordinatorFails();
        peers.target().healthy(false);
        // probing goes on while every push fails
        awaitPrimary("DOWN");
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(peers.coordinator()
                .findAll(postRequestedFor(urlEqualTo("/api/v1/verdicts")))).hasSizeGreaterThanOrEqualTo(3));
        peers.target().healthy(true);
        awaitPrimary("UP");

        peers.coordinatorAccepts();
        await().atMost(PATIENCE).untilAsserted(() -> {
            // the reports the coordinator accepted (200), newest first: the latest says the primary is UP again
            List<String> accepted = peers.coordinator().getAllServeEvents().stream()
                    .filter(e -> e.getRequest().getUrl().equals("/api/v1/verdicts") && e.getResponse().getStatus() == 200)
                    .map(e -> e.getRequest().getBodyAsString()).toList();
            assertThat(accepted).isNotEmpty();
            assertThat(JSON.readTree(accepted.get(0)).at("/sites/primary/status").asText()).isEqualTo("UP");
        });
    }

    @Test
    void theStreamSendsTheCurrentReportThenChanges() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(stream)
                .header("Accept", "text/event-stream").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<String> events = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (line.startsWith("data:")) {
                        events.add(line.substring(5));
                    }
                }
            } catch (java.io.IOException e) {
                // closed by the test
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(PATIENCE).until(() -> !events.isEmpty());
            assertThat(events.get(0)).contains("\"observer\":\"test-observer\"").contains("\"status\":\"UP\"");

            peers.target().healthy(false);
            await().atMost(PATIENCE).until(() -> events.stream().anyMatch(e -> e.contains("\"lastError\":\"HTTP 503, expected [200]\"")
                    && e.matches(".*\"primary\":\\{\"status\":\"DOWN\".*")));
        } finally {
            response.body().close();
        }
    }

    @Test
    void checksListDefinitionsAndStateWithoutSecrets() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/checks").then().statusCode(200)
                .body("find { it.name == 'primary-engine' }.type", equalTo("http"))
                .body("find { it.name == 'primary-engine' }.status", equalTo("UP"))
                .body("find { it.name == 'primary-engine' }.failureThreshold", equalTo(2))
                .body("find { it.name == 'primary-engine' }.intervalMs", equalTo(500))
                .body("find { it.name == 'primary-engine' }.timeoutMs", equalTo(400))
                .body("find { it.name == 'primary-engine' }.latencyMs", org.hamcrest.Matchers.notNullValue())
                .body("find { it.name == 'primary-grafana' }.critical", equalTo(false))
                .body(not(containsString(LoopbackPeersResource.COORDINATOR_TOKEN))));
        given().get("/api/v1/checks/primary-engine").then().statusCode(200).body("site", equalTo("primary"));
        given().get("/api/v1/checks/nope").then().statusCode(404)
                .contentType("application/problem+json")
                .body("detail", equalTo("no check named 'nope'"));
    }

    @Test
    void metricsShowStatusTransitionsLatencyAndSchedulingLag() {
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(given().get("/q/metrics").then().statusCode(200).extract().asString())
                .contains("baton_health_checker_check_up{check=\"primary-engine\",site=\"primary\",type=\"http\"} 1.0")
                .contains("baton_health_checker_site_up{site=\"primary\"} 1.0")
                .contains("baton_health_checker_transitions_total{check=\"primary-engine\",site=\"primary\",to=\"UP\",type=\"http\"}")
                .contains("baton_health_checker_probe_duration_seconds_bucket{check=\"primary-engine\"")
                .contains("baton_health_checker_scheduling_lag_seconds{quantile=\"0.99\"")
                .contains("baton_health_checker_pushes_total{coordinator=\"0\",result=\"delivered\"}")
                .doesNotContain(LoopbackPeersResource.COORDINATOR_TOKEN));
    }
}
