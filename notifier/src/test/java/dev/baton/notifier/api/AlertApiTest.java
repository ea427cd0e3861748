package dev.baton.notifier.api;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.awaitility.Awaitility.await;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.notifier.testing.ChannelFakesResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The alert, silence and Alertmanager endpoints: what a caller sees, including every kind of bad input. */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(ChannelFakesResource.class)
class AlertApiTest {
    static final String TOKEN = "test-token-0123456789";

    static RequestSpecification authed() {
        return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
    }

    static Map<String, Object> alert(String severity, String title, Map<String, String> labels) {
        return Map.of("severity", severity, "title", title, "message", "details", "dedupKey", UUID.randomUUID().toString(),
                "source", "api-test", "labels", labels, "resolved", false);
    }

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Test
    void whileTheDatabaseIsDownAnAlertIsRefusedWith503AndAcceptedAgainOnceItIsBack() throws Exception {
        pg.stop();
        try {
            authed().body(alert("CRITICAL", "engine down", Map.of("route", "tg", "site", "api-db-down")))
                    .post("/api/v1/alerts")
                    .then().statusCode(503).header("Retry-After", "5").body("title", equalTo("Outbox unavailable"));
        } finally {
            pg.restart();
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                authed().body(alert("CRITICAL", "engine down", Map.of("route", "tg", "site", "api-db-back")))
                        .post("/api/v1/alerts").then().statusCode(202));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200));
    }

    @Test
    void anAlertNeedsABearerToken() {
        given().contentType(ContentType.JSON).body(alert("CRITICAL", "x", Map.of())).post("/api/v1/alerts")
                .then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void anAcceptedAlertSaysWhereItGoes() {
        authed().body(alert("CRITICAL", "engine down", Map.of("route", "tg", "site", "api-accept")))
                .post("/api/v1/alerts")
                .then().statusCode(202)
                .body("disposition", equalTo("NOTIFY"))
                .body("channels", equalTo(List.of("tg")));
    }

    @Test
    void theSameDedupKeyWithinTheWindowIsADuplicate() {
        Map<String, Object> body = Map.of("severity", "WARNING", "title", "disk 91%", "dedupKey", "api-dedup-1",
                "labels", Map.of("route", "tg", "site", "api-dedup"));
        authed().body(body).post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("NOTIFY"));
        authed().body(body).post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("DUPLICATE"));
        Map<String, Object> resolved = Map.of("severity", "WARNING", "title", "disk 91%", "dedupKey", "api-dedup-1",
                "labels", Map.of("route", "tg", "site", "api-dedup"), "resolved", true);
        authed().body(resolved).post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("RESOLVED"));
        authed().body(resolved).post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("NOTHING_TO_RESOLVE"));
    }

    @Test
    void malformedJsonIsA400WithTheReason() {
        authed().body("{\"severity\": \"CRITICAL\", \"title\": ").post("/api/v1/alerts")
                .then().statusCode(400).contentType("application/problem+json").body("title", equalTo("Malformed JSON"));
    }

    @Test
    void anUnknownSeverityIsA400NamingTheField() {
        authed().body(Map.of("severity", "FATAL", "title", "x")).post("/api/v1/alerts")
                .then().statusCode(400).body("detail", containsString("severity"));
    }

    @Test
    void missingAndOversizedFieldsAreA400PerField() {
        authed().body(Map.of("severity", "INFO", "title", " ", "message", "m".repeat(10_001),
                "labels", Map.of("bad-label", "x"))).post("/api/v1/alerts")
                .then().statusCode(400)
                .body("violations.field", hasItem("title"))
                .body("violations.field", hasItem("message"))
                .body("detail", containsString("label names are"));
        authed().body("").post("/api/v1/alerts").then().statusCode(400);
    }

    @Test
    void listingRejectsBadParameters() {
        given().queryParam("state", "bogus").get("/api/v1/alerts").then().statusCode(400);
        given().queryParam("limit", 0).get("/api/v1/alerts").then().statusCode(400);
    }

    @Test
    void aSilenceMutesMatchingAlertsUntilItIsExpired() {
        String id = authed().body(Map.of("matchers", Map.of("site", "api-silenced"), "endsAt", Instant.now().plusSeconds(3600).toString(),
                        "createdBy", "ops", "comment", "planned maintenance"))
                .post("/api/v1/silences").then().statusCode(201).extract().path("id");
        given().get("/api/v1/silences").then().statusCode(200).body("id", hasItem(id));

        authed().body(alert("CRITICAL", "engine down", Map.of("route", "tg", "site", "api-silenced")))
                .post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("SILENCED"));
        authed().body(alert("CRITICAL", "engine down", Map.of("route", "tg", "site", "api-other")))
                .post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("NOTIFY"));

        authed().delete("/api/v1/silences/" + id).then().statusCode(204);
        authed().delete("/api/v1/silences/" + id).then().statusCode(404);
        authed().body(alert("CRITICAL", "engine down", Map.of("route", "tg", "site", "api-silenced")))
                .post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("NOTIFY"));
    }

    @Test
    void aSilenceMustEndInTheFutureAndNameWhoSetIt() {
        authed().body(Map.of("matchers", Map.of("site", "x"), "endsAt", Instant.now().minusSeconds(5).toString(), "createdBy", "ops"))
                .post("/api/v1/silences").then().statusCode(400).body("detail", containsString("endsAt"));
        authed().body(Map.of("matchers", Map.of(), "endsAt", Instant.now().plusSeconds(60).toString()))
                .post("/api/v1/silences").then().statusCode(400)
                .body("violations.field", hasItem("matchers"))
                .body("violations.field", hasItem("createdBy"));
    }

    @Test
    void aFailedOverSiteInhibitsItsPerCheckDownAlerts() {
        authed().body(alert("CRITICAL", "site failed over", Map.of("route", "tg", "alertname", "site_failed_over", "site", "inh-a")))
                .post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("NOTIFY"));
        authed().body(alert("WARNING", "engine check down", Map.of("route", "tg", "kind", "check_down", "site", "inh-a")))
                .post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("INHIBITED"));
        authed().body(alert("WARNING", "engine check down", Map.of("route", "tg", "kind", "check_down", "site", "inh-b")))
                .post("/api/v1/alerts").then().statusCode(202).body("disposition", equalTo("NOTIFY"));
    }

    static Map<String, Object> amPayload(String status, String version) {
        Map<String, Object> alert = Map.of("status", status,
                "labels", Map.of("alertname", "IbGatewayDown", "severity", "critical", "site", "am-primary", "route", "tg"),
                "annotations", Map.of("summary", "IB Gateway down on primary", "description", "no API session for 2m"),
                "startsAt", "2026-11-23T12:00:00Z", "endsAt", "0001-01-01T00:00:00Z",
                "generatorURL", "http://prometheus:9090/graph?g0.expr=up", "fingerprint", "c0ffee0001");
        return Map.of("version", version, "groupKey", "{}:{alertname=\"IbGatewayDown\"}", "truncatedAlerts", 0,
                "status", status, "receiver", "baton", "groupLabels", Map.of("alertname", "IbGatewayDown"),
                "commonLabels", Map.of("alertname", "IbGatewayDown"), "commonAnnotations", Map.of(),
                "externalURL", "http://alertmanager:9093", "alerts", List.of(alert));
    }

    @Test
    void alertmanagerV4FiringThenResolved() {
        authed().body(amPayload("firing", "4")).post("/api/v1/alertmanager")
                .then().statusCode(202).body("alerts", hasSize(1)).body("alerts[0].disposition", equalTo("NOTIFY"));
        authed().body(amPayload("resolved", "4")).post("/api/v1/alertmanager")
                .then().statusCode(202).body("alerts[0].disposition", equalTo("RESOLVED"));
        given().get("/api/v1/alerts").then().statusCode(200)
                .body("find { it.key == 'am:c0ffee0001' && !it.resolved }.title", equalTo("IB Gateway down on primary"))
                .body("find { it.key == 'am:c0ffee0001' && !it.resolved }.severity", equalTo("CRITICAL"));
    }

    @Test
    void anOtherAlertmanagerPayloadVersionIsA400() {
        authed().body(amPayload("firing", "3")).post("/api/v1/alertmanager")
                .then().statusCode(400).body("detail", containsString("version 4"));
        authed().body(Map.of("version", "4")).post("/api/v1/alertmanager")
                .then().statusCode(400).body("violations.field", hasItem("alerts"));
    }
}
