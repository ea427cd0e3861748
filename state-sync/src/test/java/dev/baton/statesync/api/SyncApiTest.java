package dev.baton.statesync.api;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.common.testing.EmbeddedSshResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The coordinator's view: set the active site, sync on request in both directions, refusals as
 * 409 problem JSON naming both epochs, snapshots and restore. Continuous replication is off here
 * so every step is deterministic (see ContinuousReplicationTest).
 */
@QuarkusTest
@TestProfile(TwoSiteProfile.class)
@WithTestResource(value = EmbeddedSshResource.class, initArgs = @ResourceArg(name = "prefix", value = "baton.test.primary"))
@WithTestResource(value = EmbeddedSshResource.class, initArgs = @ResourceArg(name = "prefix", value = "baton.test.standby"))
@WithTestResource(NotifierFake.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SyncApiTest {
    private static final String TOKEN = "test-token-0123456789";
    private static final String SECRET = "BROKER_PASSWORD=s3cr3t-value";

    @NotifierFake.InjectNotifier
    WireMockServer notifier;

    static Path root(String site) {
        return Path.of(ConfigProvider.getConfig().getValue("baton.test." + site + ".root", String.class));
    }

    static void write(String site, String rel, String content, String mode) throws IOException {
        Path p = root(site).resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    }

    static RequestSpecification authed() {
        return given().auth().oauth2(TOKEN).contentType(ContentType.JSON);
    }

    @Test
    @Order(1)
    void badRequestsGetProblemJson() {
        given().contentType(ContentType.JSON).body("{\"site\":\"primary\",\"epoch\":1}").put("/api/v1/active")
                .then().statusCode(401);
        authed().body("{\"site\":").put("/api/v1/active").then().statusCode(400).body("title", equalTo("Malformed JSON"));
        authed().body("{\"site\":\"../x\",\"epoch\":1}").put("/api/v1/active").then().statusCode(400);
        authed().body("{\"site\":\"nowhere\",\"epoch\":1}").put("/api/v1/active").then().statusCode(404)
                .body("detail", containsString("unknown site nowhere"));
        authed().body("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":1}").post("/api/v1/sync")
                .then().statusCode(409).body("detail", containsString("no active site is set"));
        given().get("/api/v1/active").then().statusCode(404);
    }

    @Test
    @Order(2)
    void syncCopiesStateAndEnvAndStatusNeverShowsSecrets() throws IOException {
        write("primary", "state/positions.json", "{\"AAPL\":100}", "rw-r--r--");
        write("primary", ".env", SECRET, "rw-------");
        authed().body("{\"site\":\"primary\",\"epoch\":1}").put("/api/v1/active").then().statusCode(200)
                .body("site", equalTo("primary"));

        authed().body("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":1}").post("/api/v1/sync")
                .then().statusCode(200).body("changed", equalTo(true)).body("files", equalTo(2))
                .body(not(containsString("s3cr3t")));

        assertThat(root("standby").resolve("state/positions.json")).hasContent("{\"AAPL\":100}");
        assertThat(root("standby").resolve(".env")).hasContent(SECRET);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root("standby").resolve(".env"))))
                .isEqualTo("rw-------");
        given().get("/api/v1/status").then().statusCode(200)
                .body("activeSite", equalTo("primary")).body("epoch", equalTo(1))
                .body("targets", hasSize(1)).body("targets[0].target", equalTo("standby"))
                .body("targets[0].files", equalTo(2)).body("targets[0].lastError", equalTo(null))
                .body(not(containsString("s3cr3t")));
        given().get("/q/metrics").then().body(containsString("baton_statesync_cycles_total"))
                .body(containsString("baton_statesync_lag_seconds{target=\"standby\"}"));
    }

    @Test
    @Order(3)
    void fencedSyncsAreRefusedNamingBothEpochs() throws IOException {
        authed().body("{\"from\":\"standby\",\"to\":\"primary\",\"epoch\":1}").post("/api/v1/sync")
                .then().statusCode(409).body("detail", containsString("standby is not the active site of epoch 1"));
        authed().body("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":0}").post("/api/v1/sync")
                .then().statusCode(409).body("detail", containsString("request epoch 0 is older than the current epoch 1"));

        // the standby already holds state of epoch 5 (e.g. it was promoted by another coordinator)
        Path epoch = root("standby").resolve(".baton/epoch");
        Files.writeString(epoch, "5\n");
        write("primary", "state/positions.json", "{\"AAPL\":0}", "rw-r--r--");
        authed().body("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":1}").post("/api/v1/sync")
                .then().statusCode(409).body("title", equalTo("Stale epoch"))
                .body("detail", containsString("epoch 5")).body("detail", containsString("epoch 1"));
        assertThat(root("standby").resolve("state/positions.json")).hasContent("{\"AAPL\":100}");
        given().get("/api/v1/status").then().body("targets[0].lastError", containsString("epoch 5"));
        given().get("/q/metrics").then().body(containsString("reason=\"stale_epoch\""));
        Files.writeString(epoch, "1\n");

        // each refusal is alerted to the notifier (retried past its first 503), without secrets
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> notifier.verify(
                postRequestedFor(urlEqualTo("/api/v1/alerts"))
                        .withHeader("Authorization", WireMock.equalTo("Bearer " + NotifierFake.TOKEN))
                        .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                        .withRequestBody(matchingJsonPath("$.dedupKey", WireMock.equalTo("state-sync/standby/stale_epoch")))
                        .withRequestBody(WireMock.containing("epoch 5"))));
        assertThat(notifier.getAllServeEvents()).allSatisfy(e ->
                assertThat(e.getRequest().getBodyAsString()).doesNotContain("s3cr3t"));
    }

    @Test
    @Order(4)
    void snapshotsCanBeListedAndRestored() throws IOException {
        authed().body("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":1}").post("/api/v1/sync")
                .then().statusCode(200).body("changed", equalTo(true));
        List<String> ids = given().queryParam("site", "standby").get("/api/v1/snapshots").then().statusCode(200)
                .extract().jsonPath().getList("id", String.class);
        assertThat(ids).hasSize(2);
        assertThat(root("standby").resolve("state/positions.json")).hasContent("{\"AAPL\":0}");

        authed().body("{\"site\":\"standby\",\"epoch\":1}").post("/api/v1/snapshots/" + ids.get(0) + "/restore")
                .then().statusCode(200).body("current", equalTo(true)).body("id", equalTo(ids.get(0)));
        assertThat(root("standby").resolve("state/positions.json")).hasContent("{\"AAPL\":100}");

        authed().body("{\"site\":\"standby\",\"epoch\":1}").post("/api/v1/snapshots/not-an-id/restore")
                .then().statusCode(422).body("detail", containsString("not a snapshot id"));
        authed().body("{\"site\":\"standby\",\"epoch\":1}").post("/api/v1/snapshots/20000101T000000.000Z/restore")
                .then().statusCode(404);
        authed().body("{\"site\":\"standby\",\"epoch\":0}").post("/api/v1/snapshots/" + ids.get(1) + "/restore")
                .then().statusCode(409);
    }

    @Test
    @Order(5)
    void afterAFailoverStateFlowsBackAndTheOldPrimaryCannotPush() throws IOException {
        authed().body("{\"site\":\"standby\",\"epoch\":2}").put("/api/v1/active").then().statusCode(200);
        write("standby", "state/positions.json", "{\"AAPL\":42}", "rw-r--r--");

        authed().body("{\"from\":\"standby\",\"to\":\"primary\",\"epoch\":2}").post("/api/v1/sync")
                .then().statusCode(200).body("changed", equalTo(true));
        assertThat(root("primary").resolve("state/positions.json")).hasContent("{\"AAPL\":42}");
        assertThat(root("primary").resolve(".baton/epoch")).hasContent("2\n");

        // the recovered old primary's stale coordinator/cron tries to push epoch-1 state back
        authed().body("{\"site\":\"primary\",\"epoch\":1}").put("/api/v1/active").then().statusCode(409)
                .body("detail", containsString("epoch 1 is older than the current epoch 2"));
        authed().body("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":1}").post("/api/v1/sync")
                .then().statusCode(409);
        assertThat(root("standby").resolve("state/positions.json")).hasContent("{\"AAPL\":42}");
    }

    /** A coordinator deposed by a newer leader (a higher term at the same epoch) can neither name the active site nor sync. */
    @Test
    @Order(6)
    void atTheSameEpochALowerLeadershipTermIsRefused() throws IOException {
        authed().body("{\"site\":\"standby\",\"epoch\":2,\"term\":7}").put("/api/v1/active").then().statusCode(200)
                .body("term", equalTo(7));
        given().get("/api/v1/active").then().body("term", equalTo(7)).body("epoch", equalTo(2));

        authed().body("{\"site\":\"standby\",\"epoch\":2,\"term\":6}").put("/api/v1/active").then().statusCode(409)
                .body("detail", containsString("term 6 is older than the term 7 seen for epoch 2"));
        write("standby", "state/positions.json", "{\"AAPL\":43}", "rw-r--r--");
        authed().body("{\"from\":\"standby\",\"to\":\"primary\",\"epoch\":2,\"term\":6}").post("/api/v1/sync")
                .then().statusCode(409).body("detail", containsString("request term 6 is older than the term 7"));
        assertThat(root("primary").resolve("state/positions.json")).as("nothing copied for the deposed leader").hasContent("{\"AAPL\":42}");

        // the current leader's calls go through, and a new epoch starts its own terms
        authed().body("{\"from\":\"standby\",\"to\":\"primary\",\"epoch\":2,\"term\":7}").post("/api/v1/sync")
                .then().statusCode(200);
        assertThat(root("primary").resolve("state/positions.json")).hasContent("{\"AAPL\":43}");
        authed().body("{\"site\":\"primary\",\"epoch\":3,\"term\":1}").put("/api/v1/active").then().statusCode(200)
                .body("term", equalTo(1));
    }
}
