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
import org.junit.jupiter.api.Test;

/**
 * What the coordinator does when state-sync or dns-manager says no, with stand-ins that refuse as the services do
 * ({@code StandIns}): a DNS record someone else changed (409 naming its value), propagation that never completes,
 * a final sync refused for a stale epoch (409), a state-sync that follows a newer epoch than this coordinator's, and
 * sync cycles that fail (502). None of them may start an engine it should not, or call a failover done when it is not.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class PeerRefusalsTest extends AgainstTheWorld {
    private static final String SOMEONE_ELSES = "192.0.2.99";

    @Test
    void aRecordAnotherWriterChangedIsNotOverwrittenAndTheOperatorIsCalled() {
        world.dns.changedByAnotherWriter(SOMEONE_ELSES);

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("NEEDS_OPERATOR");
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("standby"));
        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'dns' }.status", equalTo("FAILED"))
                .body("steps.find { it.type == 'dns' }.detail", containsString("dns-manager answered 409"))
                .body("steps.find { it.type == 'dns' }.detail", containsString("is neither " + World.PRIMARY_IP + " nor " + World.STANDBY_IP
                        + ": it is [" + SOMEONE_ELSES + "]"));
        assertThat(world.dns.value()).as("the other writer's value stands").isEqualTo(SOMEONE_ELSES);
        assertThat(world.dns.switches()).isZero();
        world.fakes.verify(1, postRequestedFor(urlPathEqualTo("/api/v1/switch")));
        pagedAbout("an operator must finish or revert");
    }

    @Test
    void aSwitchThatNeverPropagatesIsNotCalledDone() {
        world.dns.propagationStalls();

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("NEEDS_OPERATOR");
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED"));
        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'dns' }.detail", containsString("switched to " + World.STANDBY_IP + " but not propagated"))
                .body("steps.find { it.type == 'dns' }.detail", containsString("timed out"))
                .body("steps.find { it.type == 'dns' }.detail", containsString("ns1.example.com answers NOERROR [\"192.0.2.1\"]"));
        assertThat(world.dns.value()).as("the switch itself was made").isEqualTo(World.STANDBY_IP);
        pagedAbout("not propagated");
    }

    @Test
    void aFinalSyncRefusedForAStaleEpochStopsBeforeTheStandbyStarts() {
        // while this failover runs, another coordinator fails over to the standby at epoch 3
        world.stateSync.movedOnBeforeTheNextActiveRead("standby", 3);

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("FAILED");
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED"));
        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'sync' }.detail", containsString("STALE: state-sync follows standby at epoch 3, higher than this coordinator's 1"))
                .body("steps.find { it.type == 'start' }.status", equalTo("PENDING"));
        assertStandbyNeverStarted();
        assertThat(world.stateSync.epoch()).as("state-sync's epoch was not moved back").isEqualTo(3);
        assertThat(world.stateSync.cycles()).isEmpty();
        pagedAbout("STALE");
    }

    @Test
    void aStateSyncFollowingTheSameSiteAtANewerEpochIsStaleToo() {
        // state-sync would accept a pull "primary -> standby" at its own epoch 3; the coordinator at 1 must not take it
        world.stateSync.follows("primary", 3);

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("FAILED");
        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'sync' }.detail", containsString("STALE: state-sync follows primary at epoch 3, higher than this coordinator's 1"));
        assertStandbyNeverStarted();
        assertThat(world.stateSync.cycles()).isEmpty();
        pagedAbout("STALE");
    }

    @Test
    void aFinalSyncRefusedAsAStateSyncRuleStopsBeforeTheStandbyStarts() {
        // state-sync has the standby as the active site of epoch 0, which this coordinator believes is the primary's:
        // the real service keeps one active site per epoch and refuses to name the primary for it
        world.stateSync.movedOnBeforeTheNextActiveRead("standby", 0);

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("FAILED");
        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'sync' }.detail", containsString("state-sync refused the final sync"))
                .body("steps.find { it.type == 'sync' }.detail", containsString("409"))
                .body("steps.find { it.type == 'sync' }.detail", containsString("already has standby as its active site"));
        assertStandbyNeverStarted();
        pagedAbout("aborted after the sites were changed");
    }

    @Test
    void finalSyncsThatFailFallBackToTheLastGoodCopyAndSaySo() {
        world.stateSync.cyclesFail();

        String op = failover();

        assertThat(given().get("/api/v1/operations/" + op).then().extract().<String>path("status")).isEqualTo("SUCCEEDED");
        float rpo = given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'sync' }.detail", containsString("no final sync (state-sync answered 502"))
                .body("steps.find { it.type == 'sync' }.detail", containsString("using the copy synced at"))
                .extract().path("rpoSeconds");
        assertThat(rpo).as("the last good copy is a minute old (World.reset)").isGreaterThanOrEqualTo(59f);
        // retried as a transient failure (not a refusal) before falling back
        world.fakes.verify(3, postRequestedFor(urlPathEqualTo("/api/v1/sync")));
        assertThat(world.stateSync.activeSite()).as("replication handed to the new active site").isEqualTo("standby");
        assertThat(world.stateSync.epoch()).isEqualTo(1);
    }

    private String failover() {
        String op = post("/api/v1/failover", new FailoverRequest("planned switchover", false, false)).statusCode(202).extract().path("operation");
        awaitEnd(op);
        return op;
    }

    private void assertStandbyNeverStarted() {
        assertThat(world.standbyCommands()).extracting(CommandHandler.Request::command).noneMatch(c -> c.contains(" up -d"));
        assertThat(world.standbyCompose().events()).as("the standby was never started").isEmpty();
    }

    private void pagedAbout(String text) {
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                .withRequestBody(matchingJsonPath("$.message", WireMock.containing(text))));
    }
}
