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

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Invariant 2 on the sites: a site's epoch is never lowered. A coordinator at epoch 0 (a stale leader, a restored
 * database, a second install) meets a site that another coordinator left at epoch 5: it must refuse, leave the
 * file at 5, send nothing that starts an engine, go DEGRADED and page.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class SiteEpochTest extends AgainstTheWorld {

    @Test
    void theSiteBeingLeftHoldsANewerEpoch() throws Exception {
        Path file = epochFile(world.primary.root(), 5);

        String op = failover();

        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'fence' }.detail", containsString("STALE: primary holds epoch 5, higher than this coordinator's 1"));
        assertThat(Files.readString(file)).isEqualTo("5\n");
        assertThat(world.primaryCommands()).extracting(CommandHandler.Request::command).as("the old site was not touched")
                .noneMatch(c -> c.contains(" stop "));
        assertStandbyNeverStartedAndPaged("primary holds epoch 5");
    }

    @Test
    void theSiteToBeStartedHoldsANewerEpoch() throws Exception {
        Path file = epochFile(world.standby.root(), 5);

        String op = failover();

        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'fence' }.detail", containsString("STALE: standby holds epoch 5, higher than this coordinator's 1"));
        assertThat(Files.readString(file)).isEqualTo("5\n");
        assertThat(world.primaryCompose().running()).as("a stale coordinator does not even stop the primary").containsAll(World.ENGINE);
        assertStandbyNeverStartedAndPaged("standby holds epoch 5");
    }

    @Test
    void anEqualOrLowerEpochIsOverwrittenWhole() throws Exception {
        Path primary = epochFile(world.primary.root(), 0);

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("SUCCEEDED");
        assertThat(Files.readString(primary)).isEqualTo("1\n");
        assertThat(Files.readString(world.standby.root().resolve(".baton/epoch"))).isEqualTo("1\n");
        assertThat(world.primary.root().resolve(".baton/epoch.tmp")).as("the temp file was renamed over").doesNotExist();
    }

    private String failover() {
        String op = post("/api/v1/failover", new FailoverRequest("planned", false, false)).statusCode(202).extract().path("operation");
        awaitEnd(op);
        return op;
    }

    private void assertStandbyNeverStartedAndPaged(String why) {
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("primary"));
        assertThat(world.standbyCommands()).extracting(CommandHandler.Request::command).as("no up -d reached the standby")
                .noneMatch(c -> c.contains(" up -d"));
        assertThat(world.standbyCompose().events()).isEmpty();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing(why))));
    }

    private static Path epochFile(Path root, long epoch) throws Exception {
        Path file = Files.createDirectories(root.resolve(".baton")).resolve("epoch");
        Files.writeString(file, epoch + "\n");
        return file;
    }
}
