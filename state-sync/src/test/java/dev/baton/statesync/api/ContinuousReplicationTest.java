package dev.baton.statesync.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.baton.common.testing.EmbeddedSshResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Once the active site is set, writes on it reach the standby without anyone asking, deletions too. */
@QuarkusTest
@TestProfile(TwoSiteProfile.Continuous.class)
@WithTestResource(value = EmbeddedSshResource.class, initArgs = @ResourceArg(name = "prefix", value = "baton.test.primary"))
@WithTestResource(value = EmbeddedSshResource.class, initArgs = @ResourceArg(name = "prefix", value = "baton.test.standby"))
class ContinuousReplicationTest {

    @Test
    void writesOnTheActiveSiteReachTheStandby() throws Exception {
        SyncApiTest.write("primary", "state/a", "one", "rw-r--r--");
        SyncApiTest.write("primary", "state/b", "two", "rw-r--r--");
        SyncApiTest.write("primary", "state/c", "three", "rw-r--r--");
        SyncApiTest.authed().body("{\"site\":\"primary\",\"epoch\":3}").put("/api/v1/active").then().statusCode(200);
        Path standby = SyncApiTest.root("standby");

        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(standby.resolve("state/c")).hasContent("three"));

        // a rewrite with the same size within the same second is still noticed (racy re-hash)
        SyncApiTest.write("primary", "state/a", "ONE", "rw-r--r--");
        Files.delete(SyncApiTest.root("primary").resolve("state/b"));
        Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(standby.resolve("state/a")).hasContent("ONE");
            assertThat(standby.resolve("state/b")).doesNotExist();
        });
        given().get("/api/v1/status").then().statusCode(200)
                .body("targets[0].target", equalTo("standby"))
                .body("targets[0].lastSuccessAt", notNullValue())
                .body("targets[0].lagSeconds", notNullValue());
    }
}
