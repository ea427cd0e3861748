package dev.baton.coordinator.ui;

import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.FreezeRequest;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.Coordinator;
import dev.baton.coordinator.runbook.RunbookExecutor;
import dev.baton.coordinator.support.CoordinatorTestSupport;
import dev.baton.coordinator.support.InjectWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The status page and its live stream against a real coordinator (PostgreSQL, SSH sites, WireMock services). */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class StatusPageTest {

    @InjectWorld
    World world;

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Inject
    Coordinator coordinator;

    @Inject
    RunbookExecutor executor;

    @Inject
    VerdictBook verdictBook;

    @TestHTTPResource("/api/v1/status/stream")
    URL stream;

    @BeforeEach
    void reset() throws Exception {
        CoordinatorTestSupport.reset(world, pg, executor, verdictBook);
    }

    @AfterEach
    void neverTwoEngines() {
        world.assertNeverTwoEngines();
    }

    @Test
    void pageShowsStateEpochObserversAndWhyItWouldNotFailOver() {
        verdicts(HealthStatus.UP, HealthStatus.DOWN);
        coordinator.evaluate();

        String page = given().accept("text/html").get("/").then().statusCode(200).contentType(containsString("text/html"))
                .extract().asString();
        assertThat(page).contains("<div class=\"state\" id=\"state\">PRIMARY_ACTIVE</div>")
                .contains("active site: <b id=\"active-site\">primary</b>")
                .contains("epoch <b id=\"epoch\">0</b>")
                .contains("obs-a", "obs-b", "obs-c")
                .contains("primary UP", "standby DOWN")
                // the policy's answer with every condition, not just the verdict
                .contains("class=\"action-NONE\"")
                .doesNotContain("FROZEN")
                // no external assets: everything the page loads comes from the coordinator itself
                .doesNotContain("http://", "https://", "//cdn");
        assertThat(page).doesNotContain("No decision yet");
        // state-sync is asked in the background: its lag (the fake's last sync was a minute ago) appears shortly
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/api/v1/text/status").then()
                .body(org.hamcrest.Matchers.matchesPattern("(?s).*\\nstandby\\s+\\d{4}-\\d\\d-\\d\\d [0-9:]{8}Z\\s+1 min 0\\d s\\n.*")));
        given().get("/").then().body(containsString("<h2>State sync</h2>"));
        given().get("/status.js").then().statusCode(200).body(containsString("EventSource('/api/v1/status/stream')"));
        given().get("/status.css").then().statusCode(200);
    }

    @Test
    void pageShowsAFinishedFailoverWithItsStepsDurationAndRpo() {
        verdicts(HealthStatus.DOWN, HealthStatus.UP);
        String op = post("/api/v1/failover", new FailoverRequest("primary broker link is dead", false, true)).statusCode(202)
                .extract().path("operation");
        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");

        given().get("/").then().statusCode(200).body(allOf(containsString("STANDBY_ACTIVE"), containsString("tone-warn"),
                containsString("FAILOVER primary → standby"), containsString("SUCCEEDED"), containsString("0.0 s")));
        given().get("/api/v1/text/operations/" + op).then().statusCode(200)
                .body(allOf(containsString("FAILOVER primary -> standby"), containsString("fence"), containsString("SUCCEEDED")));
        given().get("/api/v1/text/operations/not-a-uuid").then().statusCode(404).body(containsString("no operation"));
    }

    @Test
    void aStateSyncThatDoesNotAnswerIsShownAsSuchAndTheStatusStillRenders() {
        world.fakes.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/status")).atPriority(1)
                .willReturn(World.json(503, "{\"title\":\"Service Unavailable\",\"status\":503}")));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/text/status").then().statusCode(200)
                .body(containsString("STATE     PRIMARY_ACTIVE"), containsString("state-sync not answering")));
        given().get("/").then().statusCode(200).body(containsString("state-sync not answering"));
    }

    @Test
    void theStreamSendsTheNewStateAfterAFreezeWithoutAReload() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        HttpURLConnection connection = (HttpURLConnection) stream.openConnection();
        connection.setRequestProperty("Accept", "text/event-stream");
        connection.setReadTimeout(30_000);
        try {
            reader.submit(() -> {
                try (BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        if (line.startsWith("data:")) {
                            events.add(line);
                        }
                    }
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.contains("\"state\":\"PRIMARY_ACTIVE\"")));
            assertThat(events).allMatch(e -> e.contains("\"frozen\":false"));

            post("/api/v1/freeze", new FreezeRequest("broker maintenance tonight", null)).statusCode(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream()
                    .anyMatch(e -> e.contains("\"frozen\":true") && e.contains("broker maintenance tonight")));
        } finally {
            connection.disconnect();
            reader.shutdownNow();
        }
        given().get("/").then().body(containsString("FROZEN: broker maintenance tonight"));
    }
}
