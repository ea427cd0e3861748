package dev.baton.coordinator.api;

import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.FreezeRequest;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.runbook.Coordinator;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.CoordinatorTestSupport;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The coordinator against real parts: two sites as SSH servers whose {@code docker compose} is
 * emulated, PostgreSQL, and WireMock stand-ins for state-sync, dns-manager, notifier and a cloud
 * power-off API. Every test ends by checking the emulators' timelines: never two engines at once.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class FailoverFlowTest extends AgainstTheWorld {

    @Inject
    Coordinator coordinator;

    @Inject
    dev.baton.coordinator.store.Leadership leadership;

    @Test
    void automaticFailoverFencesSyncsStartsAndSwitchesDnsWithTheNewEpoch() throws Exception {
        verdicts(HealthStatus.DOWN, HealthStatus.UP);

        // remediation ladder first: restart the engine on the failing primary, no failover yet
        assertThat(coordinator.evaluate().action()).isEqualTo(Decision.Action.REMEDIATE);
        assertThat(world.primaryCommands()).extracting(CommandHandler.Request::command)
                .anyMatch(c -> c.contains(" restart trading-engine ib-gateway"));
        given().get("/api/v1/status").then().body("state", equalTo("PRIMARY_ACTIVE")).body("epoch", equalTo(0));
        given().get("/api/v1/history").then().body("kind", hasItem("remediation"));

        // still down after the (zero, in tests) grace: fail over
        Decision d = coordinator.evaluate();
        assertThat(d.action()).as(d.summary()).isEqualTo(Decision.Action.PROCEED);
        String op = given().get("/api/v1/status").then().statusCode(200).body("state", equalTo("FAILING_OVER"))
                .body("epoch", equalTo(1)).extract().path("currentOperation");

        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");
        given().get("/api/v1/status").then().body("state", equalTo("STANDBY_ACTIVE")).body("activeSite", equalTo("standby"))
                .body("epoch", equalTo(1)).body("failoversLast24h", equalTo(1)).body("currentOperation", nullValue())
                .body("lastFailover", org.hamcrest.Matchers.notNullValue());
        given().get("/api/v1/operations/" + op).then().body("trigger", equalTo("automatic"))
                .body("steps.status", org.hamcrest.Matchers.everyItem(equalTo("SUCCEEDED")))
                .body("steps.type", equalTo(List.of("notify", "fence", "sync", "start", "wait-healthy", "dns", "notify")))
                .body("rpoSeconds", equalTo(0.0f))
                .body("decision.action", equalTo("PROCEED"));

        assertThat(world.primaryCompose().running()).isEmpty();
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);
        // the epoch reached both sites, on disk and in every SSH command
        assertThat(Files.readString(world.primary.root().resolve(".baton/epoch")).trim()).isEqualTo("1");
        assertThat(Files.readString(world.standby.root().resolve(".baton/epoch")).trim()).isEqualTo("1");
        assertThat(world.standbyCommands()).filteredOn(r -> r.command().contains(" up -d")).singleElement()
                .satisfies(r -> assertThat(r.env()).containsEntry("BATON_EPOCH", "1"));
        assertThat(world.primaryCommands()).filteredOn(r -> r.command().contains(" stop ")).isNotEmpty()
                .allSatisfy(r -> assertThat(r.env()).containsEntry("BATON_EPOCH", "1"));
        assertThat(world.primaryCommands().stream().map(CommandHandler.Request::command))
                .anyMatch(c -> c.contains("stop trading-engine ib-gateway"));
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/sync"))
                .withHeader("Authorization", WireMock.equalTo("Bearer sync-token-0123456789"))
                .withRequestBody(equalToJson("{\"from\":\"primary\",\"to\":\"standby\",\"epoch\":0,\"term\":" + leadership.term() + "}")));
        // the final pull ships epoch 0's state; then replication follows the new active site at epoch 1
        world.fakes.verify(putRequestedFor(urlPathEqualTo("/api/v1/active"))
                .withHeader("Authorization", WireMock.equalTo("Bearer sync-token-0123456789"))
                .withRequestBody(equalToJson("{\"site\":\"standby\",\"epoch\":1,\"term\":" + leadership.term() + "}")));
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/switch"))
                .withHeader("Authorization", WireMock.equalTo("Bearer dns-token-0123456789"))
                .withRequestBody(matchingJsonPath("$.from", WireMock.equalTo(World.PRIMARY_IP)))
                .withRequestBody(matchingJsonPath("$.to", WireMock.equalTo(World.STANDBY_IP)))
                .withRequestBody(matchingJsonPath("$.zone", WireMock.equalTo("example.com"))));
        world.fakes.verify(getRequestedFor(urlPathEqualTo("/api/v1/propagation")).withQueryParam("expected", WireMock.equalTo(World.STANDBY_IP)));
        // remediation warning, "started", "complete"
        world.fakes.verify(3, postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withHeader("Authorization", WireMock.equalTo("Bearer notifier-token-0123456789")));
        given().get("/q/metrics").then().body(containsString("baton_coordinator_operations_total{kind=\"failover\",outcome=\"succeeded\"}"))
                .body(containsString("baton_coordinator_epoch"))
                .body(containsString("baton_coordinator_detection_to_decision_seconds_count"));
    }

    @Test
    void unreachablePrimaryIsPoweredOffThroughTheFencingEndpointBeforeTheStandbyStarts() throws Exception {
        // a partition: SSH to the primary fails while its engine keeps running
        world.primary.stop();

        String op = post("/api/v1/failover", new FailoverRequest("primary datacenter unreachable", false, false))
                .statusCode(202).extract().path("operation");

        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/v1/servers/42/actions/poweroff"))
                .withHeader("Authorization", WireMock.equalTo("Bearer cloud-token-0123456789")));
        given().get("/api/v1/operations/" + op).then()
                .body("steps.find { it.type == 'fence' }.detail", containsString("powered off via fencing endpoint and confirmed off"))
                .body("steps.find { it.type == 'sync' }.detail", containsString("RPO"));
        Float rpo = given().get("/api/v1/operations/" + op).then().extract().path("rpoSeconds");
        assertThat(rpo).isGreaterThanOrEqualTo(59f);
        assertThat(world.primaryCompose().running()).isEmpty();
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);
        // no final pull was attempted from an unreachable site
        world.fakes.verify(0, postRequestedFor(urlPathEqualTo("/api/v1/sync")));
    }

    @Test
    void aFenceThatCannotBeConfirmedStopsEverythingAndPages() throws Exception {
        world.primary.stop();
        world.fakes.stubFor(post(urlPathEqualTo("/v1/servers/42/actions/poweroff")).atPriority(1)
                .willReturn(World.json(503, "{\"error\":{\"code\":\"unavailable\",\"message\":\"try later\"}}")));

        String op = post("/api/v1/failover", new FailoverRequest("primary unreachable", false, false)).statusCode(202).extract().path("operation");

        assertThat(awaitEnd(op)).isEqualTo("FAILED");
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("primary"));
        given().get("/api/v1/operations/" + op).then().body("detail", containsString("NOT started"))
                .body("steps.find { it.type == 'start' }.status", equalTo("PENDING"));
        assertThat(world.standbyCompose().events()).as("the standby was never started").isEmpty();
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts")).withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL"))));
        // DEGRADED: automatic failover waits for an operator
        verdicts(HealthStatus.DOWN, HealthStatus.UP);
        assertThat(coordinator.evaluate().action()).isEqualTo(Decision.Action.REFUSED);

        // the operator checks both sites and declares it handled; the standby is verified engine-free
        post("/api/v1/resolve", "{\"reason\":\"primary back, standby clean\"}").statusCode(200)
                .body("state", equalTo("PRIMARY_ACTIVE")).body("activeSite", equalTo("primary"));
        given().get("/api/v1/audit").then().body("action", hasItem("resolve"));
        post("/api/v1/resolve", "{\"reason\":\"again\"}").statusCode(409);
    }

    @Test
    void dryRunExplainsThePlanAndTouchesNothing() {
        int primaryCommands = world.primary.received().size();
        int standbyCommands = world.standby.received().size();

        post("/api/v1/failover", new FailoverRequest("rehearsal", true, false)).statusCode(200)
                .body("dryRun", equalTo(true)).body("wouldProceed", equalTo(true)).body("operation", nullValue())
                .body("decision.conditions.name", hasItem("target-up-by-quorum"))
                .body("steps.type", equalTo(List.of("notify", "fence", "sync", "start", "wait-healthy", "dns", "notify")))
                .body("steps[1].does", containsString("stop trading-engine, ib-gateway there over SSH"));

        // seed bug: a dry run must not leave the state in failing_over
        given().get("/api/v1/status").then().body("state", equalTo("PRIMARY_ACTIVE")).body("epoch", equalTo(0))
                .body("currentOperation", nullValue());
        given().get("/api/v1/operations").then().body("size()", equalTo(0));
        assertThat(world.primary.received()).hasSize(primaryCommands);
        assertThat(world.standby.received()).hasSize(standbyCommands);
        world.fakes.verify(0, postRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.anyUrl()));
    }

    @Test
    void aSecondFailoverWhileOneRunsIsRefusedWith409() {
        world.fakes.stubFor(post(urlPathEqualTo("/api/v1/sync")).atPriority(1)
                .withHeader("Authorization", WireMock.equalTo("Bearer sync-token-0123456789"))
                .willReturn(World.json(200, "{\"files\":1}").withFixedDelay(3000)));

        String op = post("/api/v1/failover", new FailoverRequest("first", false, false)).statusCode(202).extract().path("operation");
        post("/api/v1/failover", new FailoverRequest("second", false, true)).statusCode(409)
                .contentType("application/problem+json").body("title", equalTo("Operation in progress"));

        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");
        given().get("/api/v1/operations").then().body("size()", equalTo(1));
    }

    @Test
    void failbackResyncsFromTheStandbyFirstAndRevertsDns() throws Exception {
        String failover = post("/api/v1/failover", new FailoverRequest("planned", false, false)).statusCode(202).extract().path("operation");
        assertThat(awaitEnd(failover)).isEqualTo("SUCCEEDED");
        // the cooldown applies to a failback too: move the last operation's end 10 minutes into the past
        pg.execute("UPDATE coordinator_state SET last_operation_end = now() - interval '10 minutes'");
        world.fakes.resetRequests();

        String failback = post("/api/v1/failback", new FailbackRequest("primary repaired", false)).statusCode(202).extract().path("operation");

        assertThat(awaitEnd(failback)).isEqualTo("SUCCEEDED");
        given().get("/api/v1/status").then().body("state", equalTo("PRIMARY_ACTIVE")).body("activeSite", equalTo("primary"))
                .body("epoch", equalTo(2)).body("lastFailback", org.hamcrest.Matchers.notNullValue());
        given().get("/api/v1/operations/" + failback).then()
                .body("steps.name", equalTo(List.of("announce", "re-sync-to-primary", "fence", "final-sync", "start", "wait-healthy", "dns", "done")));
        world.fakes.verify(2, postRequestedFor(urlPathEqualTo("/api/v1/sync"))
                .withRequestBody(equalToJson("{\"from\":\"standby\",\"to\":\"primary\",\"epoch\":1,\"term\":" + leadership.term() + "}")));
        world.fakes.verify(putRequestedFor(urlPathEqualTo("/api/v1/active"))
                .withRequestBody(equalToJson("{\"site\":\"primary\",\"epoch\":2,\"term\":" + leadership.term() + "}")));
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/switch"))
                .withRequestBody(matchingJsonPath("$.from", WireMock.equalTo(World.STANDBY_IP)))
                .withRequestBody(matchingJsonPath("$.to", WireMock.equalTo(World.PRIMARY_IP))));
        assertThat(world.standbyCompose().running()).isEmpty();
        assertThat(world.primaryCompose().running()).as("primary events %s, commands %s", world.primaryCompose().events(), world.primary.received().stream().map(r -> r.command()).toList()).containsAll(World.ENGINE);
    }

    @Test
    void aRecoveredOldPrimaryIsFencedAgainAndPages() throws Exception {
        String op = post("/api/v1/failover", new FailoverRequest("planned", false, false)).statusCode(202).extract().path("operation");
        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");

        world.primaryEngineRestartsByItself();
        assertThat(coordinator.guard()).hasValueSatisfying(o -> assertThat(o).contains("fenced again"));

        assertThat(world.primaryCompose().running()).isEmpty();
        assertThat(world.standbyCompose().running()).containsAll(World.ENGINE);
        given().get("/api/v1/history").then().body("kind", hasItem("split-brain"));
        world.fakes.verify(postRequestedFor(urlPathEqualTo("/api/v1/alerts"))
                .withRequestBody(matchingJsonPath("$.severity", WireMock.equalTo("CRITICAL")))
                .withRequestBody(matchingJsonPath("$.title", WireMock.containing("inactive site primary"))));
        // a clean inactive site is left alone
        assertThat(coordinator.guard()).isEmpty();
    }

    @Test
    void freezeRefusesAutomaticFailoverVisiblyAndUnfreezingLetsItProceed() {
        post("/api/v1/freeze", new FreezeRequest("broker maintenance", null)).statusCode(200).body("frozen", equalTo(true));
        verdicts(HealthStatus.DOWN, HealthStatus.UP);

        Decision refused = coordinator.evaluate();
        assertThat(refused.action()).isEqualTo(Decision.Action.REFUSED);
        given().get("/api/v1/status").then().body("state", equalTo("PRIMARY_ACTIVE")).body("epoch", equalTo(0));
        given().get("/api/v1/status/detail").then().body("lastDecision.action", equalTo("REFUSED"))
                .body("lastStoredRefusal.conditions.find { it.name == 'not-frozen' }.held", equalTo(false));
        // the next ticks refuse for the same reason: recorded (and alerted) once, not every tick
        coordinator.evaluate();
        coordinator.evaluate();
        given().get("/api/v1/history").then().body("findAll { it.kind == 'decision-refused' }.size()", equalTo(1));
        given().get("/api/v1/audit").then().body("action", hasItem("freeze"));

        given().auth().oauth2(CoordinatorTestSupport.TOKEN).delete("/api/v1/freeze").then().statusCode(200).body("frozen", equalTo(false));
        // seed bug: a refusal must not wedge automatic failover (remediation first, then the failover)
        assertThat(coordinator.evaluate().action()).isEqualTo(Decision.Action.REMEDIATE);
        Decision d = coordinator.evaluate();
        assertThat(d.action()).isEqualTo(Decision.Action.PROCEED);
        String op = given().get("/api/v1/status").then().extract().path("currentOperation");
        assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");
    }

    @Test
    void badRequestsGetProblemJsonNever500() {
        given().contentType(ContentType.JSON).body(new FailoverRequest("no token", false, false)).post("/api/v1/failover")
                .then().statusCode(401);
        given().auth().oauth2(CoordinatorTestSupport.TOKEN).contentType(ContentType.JSON).body("{\"reason\": ").post("/api/v1/failover")
                .then().statusCode(400).contentType("application/problem+json");
        post("/api/v1/failover", "{\"reason\":\"\"}").statusCode(400).body("violations.field", hasItem("reason"));
        post("/api/v1/verdicts", "{\"observer\":\"intruder\",\"observedAt\":\"2026-01-01T00:00:00Z\",\"sites\":{}}")
                .statusCode(422).body("detail", containsString("intruder"));
        given().get("/api/v1/operations/not-a-uuid").then().statusCode(404);
        given().get("/api/v1/operations/" + java.util.UUID.randomUUID()).then().statusCode(404).contentType("application/problem+json");
        post("/api/v1/operations/" + java.util.UUID.randomUUID() + "/veto", "").statusCode(404);
        post("/api/v1/failback", new FailbackRequest("primary is active", false)).statusCode(409).body("detail", containsString("state"));
        given().queryParam("limit", 0).get("/api/v1/history").then().statusCode(400);
        given().get("/api/v1/status").then().statusCode(200).body("observers.obs-a.stale", equalTo(false))
                .body("observers.obs-a.sites.primary", equalTo("UP"));
        // none of the bad requests changed anything
        given().get("/api/v1/status").then().body("state", equalTo("PRIMARY_ACTIVE")).body("epoch", equalTo(0));
    }
}
