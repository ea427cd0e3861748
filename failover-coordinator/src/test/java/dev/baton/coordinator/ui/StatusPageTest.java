package dev.baton.coordinator.ui;

import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static dev.baton.coordinator.ui.PageFixtures.check;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Inject
    DnsStatus dnsStatus;

    @TestHTTPResource("/api/v1/status/stream")
    URL stream;

    @BeforeEach
    void reset() throws Exception {
        CoordinatorTestSupport.reset(world, pg, executor, verdictBook);
        dnsStatus.forget();
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
                .containsPattern("<span id=\"decider\">decisions in postgres, leader \\S+, term \\d+</span>")
                .doesNotContain("no-quorum")
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

    @Test
    void pageShowsEachChecksLatencyPerObserverAndWhyAFailingCheckFails() {
        for (String observer : List.of("obs-a", "obs-b")) {
            PageFixtures.report(observer, Map.of(
                    "primary", List.of(check("engine-http", "http", HealthStatus.UP, observer.equals("obs-a") ? 12 : 14, null),
                            // health-checker keeps the last error of a check that has since recovered
                            check("postgres", "postgres", HealthStatus.UP, 3, "connection reset an hour ago")),
                    "standby", List.of(check("engine-http", "http", HealthStatus.DOWN, 1, "connection refused"))));
        }
        // obs-c sees the primary's engine time out and does not run the postgres check at all
        PageFixtures.report("obs-c", Map.of(
                "primary", List.of(check("engine-http", "http", HealthStatus.DOWN, 3004, "read timed out after 3000 ms")),
                "standby", List.of(check("engine-http", "http", HealthStatus.DOWN, 2, "connection refused"))));

        String page = given().get("/").then().statusCode(200).extract().asString();
        assertThat(page).contains("<h2>Checks</h2>", "<h3>primary</h3>", "<h3>standby</h3>",
                "<th>check</th><th>obs-a</th><th>obs-b</th><th>obs-c</th>",
                "<tr><td>engine-http <small>http</small></td><td><span class=\"st st-UP\">UP</span> 12 ms</td>"
                        + "<td><span class=\"st st-UP\">UP</span> 14 ms</td>"
                        + "<td><span class=\"st st-DOWN\">DOWN</span> 3.0 s</td></tr>\n"
                        + "  <tr class=\"why\"><td colspan=\"4\">obs-c: read timed out after 3000 ms</td></tr>",
                "<tr><td>postgres <small>postgres</small></td><td><span class=\"st st-UP\">UP</span> 3 ms</td>"
                        + "<td><span class=\"st st-UP\">UP</span> 3 ms</td><td><span class=\"quiet\">-</span></td></tr>",
                // the same error from every observer is said once
                "<tr class=\"why\"><td colspan=\"4\">obs-a, obs-b, obs-c: connection refused</td></tr>")
                // a recovered check's old error is not shown as if it were why it fails now
                .doesNotContain("connection reset an hour ago");
        given().get("/api/v1/text/status").then().body(allOf(
                org.hamcrest.Matchers.matchesPattern("(?s).*\\nCHECK \\(primary\\)\\s+obs-a\\s+obs-b\\s+obs-c\\s*\\n"
                        + "engine-http\\s+UP 12 ms\\s+UP 14 ms\\s+DOWN 3.0 s\\s*\\n"
                        + "postgres\\s+UP 3 ms\\s+UP 3 ms\\s+-\\s*\\n.*")));
    }

    @Test
    void pageShowsTheRecordWhichSiteItIsAndPropagationAtEachNameserver() {
        PageFixtures.dnsRecord(world.fakes, World.PRIMARY_IP);
        PageFixtures.dnsNameservers(world.fakes, nameservers(World.PRIMARY_IP, World.PRIMARY_IP));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/").then().statusCode(200).body(allOf(
                containsString("<b>trade.example.com A</b> → 203.0.113.10 (primary), TTL 60"),
                containsString("<span class=\"flag ok\">active site's value</span>"),
                containsString("<b class=\"prop-complete\">complete</b> · 2 of 2 authoritative nameservers answer 203.0.113.10"),
                containsString("<td>ns1.example.net (192.0.2.53:53)</td><td>203.0.113.10</td>"))));
        given().get("/api/v1/text/status").then().body(allOf(
                containsString("DNS       trade.example.com A -> 203.0.113.10 (primary), TTL 60, the active site's value"),
                containsString("PROPAG.   complete: 2 of 2 authoritative nameservers answer 203.0.113.10")));
    }

    @Test
    void aRecordAtTheOtherSiteAndALaggingNameserverAreShownAsSuch() {
        PageFixtures.dnsRecord(world.fakes, World.STANDBY_IP);
        PageFixtures.dnsNameservers(world.fakes, nameservers(World.PRIMARY_IP, World.STANDBY_IP));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/").then().statusCode(200).body(allOf(
                containsString("→ 198.51.100.20 (standby), TTL 60"),
                containsString("<span class=\"flag bad\">not the active site's value 203.0.113.10</span>"),
                containsString("<b class=\"prop-incomplete\">incomplete</b> · 1 of 2 authoritative nameservers answer 203.0.113.10"),
                containsString("<td>ns2.example.net (192.0.2.54:53)</td><td>198.51.100.20</td><td class=\"unmet\">✘</td>"))));
    }

    @Test
    void aSlowDnsManagerNeverHoldsUpThePageAndAnAbsentOneShowsUnknown() {
        world.fakes.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/v1/records")).atPriority(1)
                .willReturn(World.json(200, "{\"zone\":\"example.com\",\"name\":\"trade.example.com\",\"type\":\"A\","
                        + "\"provider\":\"cloudflare\",\"records\":[{\"value\":\"203.0.113.10\",\"ttl\":60,\"proxied\":false,\"id\":\"r1\"}]}")
                        .withFixedDelay(5_000)));
        PageFixtures.dnsNameservers(world.fakes, nameservers(World.PRIMARY_IP, World.PRIMARY_IP));

        // dns-manager takes 5 s to answer: the page does not wait for it, it says it has no answer yet
        given().get("/").then().statusCode(200).body(allOf(containsString("PRIMARY_ACTIVE"), containsString("not asked yet"),
                containsString("<b class=\"prop-unknown\">unknown</b>")));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/").then()
                .body(containsString("→ 203.0.113.10 (primary), TTL 60")));

        // then dns-manager goes away
        world.fakes.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/api/v1/(records|propagation)")).atPriority(0)
                .willReturn(World.json(503, "{\"title\":\"Service Unavailable\",\"status\":503}")));
        dnsStatus.forget();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/").then().statusCode(200).body(allOf(
                containsString("<b>trade.example.com A</b> → <span class=\"flag warn\">unknown</span>"),
                containsString("<b class=\"prop-unknown\">unknown</b>"),
                containsString("<span class=\"flag warn\">dns-manager not answering</span>"))));
        given().get("/api/v1/text/status").then().statusCode(200).body(containsString("PROPAG.   unknown"),
                containsString("[dns-manager not answering]"));
    }

    private static Map<String, String> nameservers(String ns1, String ns2) {
        Map<String, String> answers = new LinkedHashMap<>();
        answers.put("ns1.example.net", ns1);
        answers.put("ns2.example.net", ns2);
        return answers;
    }
}
