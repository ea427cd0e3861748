package dev.baton.coordinator.api;

import static dev.baton.coordinator.support.CoordinatorTestSupport.TOKEN;
import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.replay.Replayer;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/v1/verdicts/export}: the recording of what this coordinator received, for {@code baton replay};
 * and {@code POST /api/v1/replay}, the same replay run here over it (the status page's "what if").
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class RecordingExportTest {

    @Test
    void theVerdictsReceivedAreExportedWithTheTokenAsARecordingReplayReads() throws Exception {
        Instant from = Instant.now();
        verdicts(HealthStatus.UP, HealthStatus.UP);
        verdicts(HealthStatus.DOWN, HealthStatus.UP);

        given().get("/api/v1/verdicts/export").then().statusCode(401);
        String body = given().auth().oauth2(TOKEN).queryParam("from", from.toString()).get("/api/v1/verdicts/export").then().statusCode(200)
                .contentType("application/x-ndjson").extract().asString();

        List<String> lines = body.lines().toList();
        assertThat(lines.get(0)).contains("\"schema\":\"baton-verdicts\"").contains("\"observers\":\"obs-a,obs-b,obs-c\"");
        assertThat(lines.stream().filter(l -> l.startsWith("{\"t\":\"v\"")).toList()).hasSize(6)
                .allMatch(l -> l.contains("\"primary\":{\"st\":"));
        Replayer.Report replayed = Replayer.replay(new BufferedReader(new StringReader(body)), List.of(Map.of()), Duration.ofSeconds(30));
        assertThat(replayed.totals().verdicts()).isEqualTo(6);
    }

    @Test
    void aRangeThatIsNotOneIsA400AndOneBeforeAnyRecordingA404() {
        given().auth().oauth2(TOKEN).queryParam("from", "yesterday").get("/api/v1/verdicts/export").then().statusCode(400)
                .body("detail", containsString("ISO-8601"));
        given().auth().oauth2(TOKEN).queryParam("from", "2026-12-06T10:00:00Z").queryParam("to", "2026-12-06T09:00:00Z")
                .get("/api/v1/verdicts/export").then().statusCode(400).body("detail", containsString("before"));
        given().auth().oauth2(TOKEN).queryParam("to", "2000-01-01T00:00:00Z").get("/api/v1/verdicts/export").then().statusCode(404);
    }

    @Test
    void theReplayApiNeedsTheTokenAndReplaysTheRecordedSettingsBesideAnEditedOne() {
        verdicts(HealthStatus.DOWN, HealthStatus.UP);
        Map<String, Object> request = Map.of("candidates", List.of(Map.of(), Map.of("confirmation", "1s")), "days", 1);

        given().contentType("application/json").body(request).post("/api/v1/replay").then().statusCode(401);
        given().auth().oauth2(TOKEN).contentType("application/json").body(request).post("/api/v1/replay").then().statusCode(200)
                .body("candidates[0].candidate", equalTo("as recorded"))
                .body("candidates[1].candidate", equalTo("confirmation=1s"))
                .body("candidates[1].settings.'policy.confirmation'", equalTo("1s"))
                .body("candidates[1].judged", equalTo(false))
                .body("verdictReports", greaterThanOrEqualTo(3));
    }

    @Test
    void aReplayRequestThatIsNotOneIsA400ThatSaysWhyAndARangeWithNothingA404() {
        Map<String, Object> unknown = Map.of("candidates", List.of(Map.of("confirmaton", "10s")));
        Map<String, Object> badValue = Map.of("candidates", List.of(Map.of("confirmation", "soon")));
        Map<String, Object> none = Map.of("candidates", List.of());
        Map<String, Object> many = Map.of("candidates", java.util.Collections.nCopies(21, Map.of()));
        Map<String, Object> noDays = Map.of("candidates", List.of(Map.of()), "days", 0);
        Map<String, Object> oldRange = Map.of("candidates", List.of(Map.of()), "to", "2000-01-01T00:00:00Z");

        replay(unknown).statusCode(400).body("detail", containsString("unknown setting \"confirmaton\""));
        replay(badValue).statusCode(400).body("detail", containsString("baton.coordinator.policy.confirmation: \"soon\" is not a duration"));
        replay(none).statusCode(400).body("detail", containsString("candidates"));
        replay(many).statusCode(400).body("detail", containsString("at most 20"));
        replay(noDays).statusCode(400).body("detail", containsString("days"));
        replay(oldRange).statusCode(404);
        given().auth().oauth2(TOKEN).contentType("application/json").body("{\"candidates\": [").post("/api/v1/replay").then().statusCode(400);
    }

    private static io.restassured.response.ValidatableResponse replay(Map<String, Object> request) {
        return given().auth().oauth2(TOKEN).contentType("application/json").body(request).post("/api/v1/replay").then();
    }
}
