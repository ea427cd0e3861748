package dev.baton.coordinator.runbook;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitStepDetail;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.ComposeEmulator;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.coordinator.support.AgainstTheWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Invariant 1 at the broker: the new site's {@code start} never begins before the broker released the fenced
 * engine's session, on every fence path (clean stop, a killed engine, a power-off, an unreachable site without a
 * fencing endpoint). Every ordering is read from the journal (the fence's release, the steps' times) and from the
 * fakes' own records (when the session API answered what, when compose started the standby), never from sleeps.
 * The tests' settings: session linger 2 s; the broker's session API and each site's logout check are {@link World}'s.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class SessionReleaseTest extends AgainstTheWorld {
    private static final Duration LINGER = Duration.ofSeconds(2);

    @Test
    void cleanStopWaitsWhileTheSessionCheckSeesTheSessionAndStartsOnlyAfterItIsGone() {
        world.brokerSession(true, true, true, false);

        JsonPath op = failover("planned switchover");

        Instant firstReleased = world.sessionAnswers().stream().filter(a -> Boolean.FALSE.equals(a.live())).findFirst().orElseThrow().at();
        assertThat(world.sessionAnswers()).filteredOn(a -> a.at().isBefore(firstReleased)).extracting(World.SessionAnswer::live)
                .containsExactly(true, true, true);
        assertThat(op.getString("sessionRelease.by")).isEqualTo("session-check");
        assertThat(instant(op, "sessionRelease.releasedAt")).isAfterOrEqualTo(firstReleased.minusMillis(1));
        assertThat(op.getString("steps.find { it.type == 'fence' }.detail")).contains("over SSH and confirmed by compose ps")
                .contains("released by session-check").contains("no live session (live == false)");
        assertStartedOnlyAfterTheRelease(op);
        assertThat(instant(op, "sessionRelease.fencedAt")).as("the fence was confirmed before the session was released")
                .isBeforeOrEqualTo(instant(op, "sessionRelease.releasedAt"));
    }

    @Test
    void aConfirmedCleanLogoutReleasesAtOnceWithoutAskingTheBroker() {
        world.logoutConfirmed(true);
        world.brokerSession((Boolean) null); // the session API cannot tell: only the logout can release before the linger

        JsonPath op = failover("planned switchover");

        assertThat(op.getString("sessionRelease.by")).isEqualTo("logout");
        assertThat(op.getString("sessionRelease.detail")).contains("primary's logout check confirmed a clean logout");
        assertThat(world.sessionAnswers()).as("a confirmed logout needs no session check").isEmpty();
        assertThat(world.logoutChecks(true)).singleElement().satisfies(r -> {
            assertThat(r.env()).containsEntry("BATON_EPOCH", "1");
            assertThat(Instant.parse(r.env().get("BATON_FENCE_STARTED"))).isBeforeOrEqualTo(instant(op, "sessionRelease.fencedAt"));
        });
        assertStartedOnlyAfterTheRelease(op);
    }

    @Test
    void aKilledEngineLeavesItsSessionForTheLingerWhenTheBrokerCannotTell() {
        // the engine died without logging out (SIGKILL): compose shows it gone, the logout check sees no logout
        world.primaryCompose().handle(new CommandHandler.Request("docker compose kill", Map.of(), world.primary.root()));
        world.brokerSession((Boolean) null);

        JsonPath op = failover("engine killed");

        assertThat(op.getString("sessionRelease.by")).isEqualTo("linger");
        assertThat(Duration.between(instant(op, "sessionRelease.fencedAt"), instant(op, "sessionRelease.releasedAt")))
                .as("the journal's release came a whole linger after the confirmed fence").isGreaterThanOrEqualTo(LINGER);
        assertThat(op.getString("sessionRelease.detail")).contains("primary's logout check did not confirm a logout (exit 1)")
                .contains("session check cannot tell (GET answered 503)");
        assertThat(world.sessionAnswers()).isNotEmpty().allSatisfy(a -> assertThat(a.live()).isNull());
        assertStartedOnlyAfterTheRelease(op);
    }

    @Test
    void aSessionSeenAliveRestartsTheLingerFromThatMoment() {
        world.brokerSession(true, null);

        JsonPath op = failover("engine killed, broker slow to notice");

        Instant lastAlive = world.sessionAnswers().stream().filter(a -> Boolean.TRUE.equals(a.live())).reduce((a, b) -> b).orElseThrow().at();
        assertThat(op.getString("sessionRelease.by")).isEqualTo("linger");
        assertThat(Duration.between(lastAlive, instant(op, "sessionRelease.releasedAt"))).isGreaterThanOrEqualTo(LINGER.minusMillis(50));
        assertThat(op.getString("sessionRelease.detail")).contains("since the session was last seen alive");
        assertStartedOnlyAfterTheRelease(op);
    }

    @Test
    void aPowerOffIsFollowedByTheSessionReleaseBeforeTheStandbyStarts() throws Exception {
        world.primary.stop(); // a partition: SSH fails, the engine keeps trading until the power-off
        world.brokerSession(true, true, false);

        JsonPath op = failover("primary datacenter unreachable");

        world.fakes.verify(postRequestedFor(urlPathEqualTo("/v1/servers/42/actions/poweroff")));
        Instant poweredOff = world.fakes.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getUrl().endsWith("/actions/poweroff")).findFirst().orElseThrow()
                .getRequest().getLoggedDate().toInstant();
        Instant firstReleased = world.sessionAnswers().stream().filter(a -> Boolean.FALSE.equals(a.live())).findFirst().orElseThrow().at();
        assertThat(op.getString("sessionRelease.by")).isEqualTo("session-check");
        assertThat(instant(op, "sessionRelease.fencedAt")).as("fence confirmed off after the power-off call").isAfterOrEqualTo(poweredOff);
        assertThat(instant(op, "sessionRelease.releasedAt")).isAfterOrEqualTo(firstReleased.minusMillis(1));
        assertThat(op.getString("steps.find { it.type == 'fence' }.detail")).contains("powered off via fencing endpoint and confirmed off")
                .contains("released by session-check");
        assertStartedOnlyAfterTheRelease(op);
    }

    @Test
    void theSiteLeaseIsGrantedToTheActiveSiteOnly() {
        given().get("/api/v1/sites/primary/lease").then().statusCode(200).body("site", equalTo("primary")).body("granted", equalTo(true))
                .body("reason", equalTo("primary is the active site at epoch 0"));
        given().get("/api/v1/sites/standby/lease").then().statusCode(200).body("granted", equalTo(false))
                .body("reason", equalTo("primary is the active site at epoch 0, not standby"));
        given().get("/api/v1/sites/nowhere/lease").then().statusCode(404).contentType("application/problem+json")
                .body("detail", equalTo("no site 'nowhere'; sites are primary, standby"));
    }

    @Test
    void anUnreachableSiteWithoutFencingEndpointIsPresumedFencedOnlyAfterItsLeaseAndTheLinger() throws Exception {
        String failover = post("/api/v1/failover", new FailoverRequest("planned", false, false)).statusCode(202).extract().path("operation");
        assertThat(awaitEnd(failover)).isEqualTo("SUCCEEDED");
        pg.execute("UPDATE coordinator_state SET last_operation_end = now() - interval '10 minutes'");
        // the standby host dies with its engine; SSH no longer answers and it has no fencing endpoint
        world.standbyCompose().handle(new CommandHandler.Request("docker compose stop", Map.of(), world.standby.root()));
        world.standby.stop();
        world.brokerSession((Boolean) null);

        assertThat(given().get("/api/v1/sites/standby/lease").then().statusCode(200).extract().jsonPath().getBoolean("granted"))
                .as("the active site holds the lease until its fence begins").isTrue();
        String failback = post("/api/v1/failback", new FailbackRequest("standby host lost", false)).statusCode(202).extract().path("operation");

        // while the fence waits out the lease, no coordinator grants it to the site being fenced
        awaitStepDetail(failback, "fence", "waiting until its start gate's lease has run out");
        JsonPath lease = given().get("/api/v1/sites/standby/lease").then().statusCode(200).extract().jsonPath();
        assertThat(lease.getBoolean("granted")).isFalse();
        assertThat(lease.getString("reason")).contains("is fencing standby at epoch 2");
        assertThat(awaitEnd(failback)).isEqualTo("SUCCEEDED");
        JsonPath op = given().get("/api/v1/operations/" + failback).then().extract().jsonPath();
        assertThat(instant(op, "sessionRelease.fencedAt")).as("presumed fenced only a whole site lease after the fence began")
                .isAfterOrEqualTo(instant(op, "steps.find { it.type == 'fence' }.startedAt").plus(World.SITE_LEASE));
        assertThat(op.getString("sessionRelease.by")).isEqualTo("linger");
        assertThat(Duration.between(instant(op, "sessionRelease.fencedAt"), instant(op, "sessionRelease.releasedAt")))
                .isGreaterThanOrEqualTo(LINGER);
        assertThat(op.getString("steps.find { it.type == 'fence' }.detail")).contains("unreachable").contains("presumed fenced")
                .contains("its start gate's lease (3.0s) ran out").contains("released by linger");
        assertStartedOnlyAfterTheRelease(op, world.primaryCompose());
        assertThat(world.primaryCompose().running()).containsAll(World.ENGINE);
    }

    @Test
    void thePlanShowsTheWaitBeforeStart() {
        post("/api/v1/failover", new FailoverRequest("rehearsal", true, false)).statusCode(200)
                .body("steps.find { it.type == 'fence' }.does", org.hamcrest.Matchers.allOf(
                        org.hamcrest.Matchers.containsString("primary's logout check confirms a clean logout"),
                        org.hamcrest.Matchers.containsString("the session check (GET " + world.fakes.baseUrl() + World.SESSION_PATH + ")"),
                        org.hamcrest.Matchers.containsString("the session linger 2s has passed since the fence"),
                        org.hamcrest.Matchers.containsString("a session still held blocks the start")))
                .body("steps.find { it.type == 'start' }.does", org.hamcrest.Matchers.startsWith("only after the fence released the broker session"));
    }

    private JsonPath failover(String reason) {
        String id = post("/api/v1/failover", new FailoverRequest(reason, false, false)).statusCode(202).extract().path("operation");
        assertThat(awaitEnd(id)).isEqualTo("SUCCEEDED");
        return given().get("/api/v1/operations/" + id).then().extract().jsonPath();
    }

    private void assertStartedOnlyAfterTheRelease(JsonPath op) {
        assertStartedOnlyAfterTheRelease(op, world.standbyCompose());
    }

    /** From the journal: fence ended, then start began; from the compose emulator: no engine started before the release. */
    private static void assertStartedOnlyAfterTheRelease(JsonPath op, ComposeEmulator target) {
        Instant released = instant(op, "sessionRelease.releasedAt");
        Instant fenceEnded = instant(op, "steps.find { it.type == 'fence' }.finishedAt");
        Instant startBegan = instant(op, "steps.find { it.type == 'start' }.startedAt");
        assertThat(released).isBeforeOrEqualTo(fenceEnded);
        assertThat(fenceEnded).isBeforeOrEqualTo(startBegan);
        Instant opStarted = instant(op, "startedAt");
        List<ComposeEmulator.Event> starts = target.events().stream().filter(ComposeEmulator.Event::running)
                .filter(e -> !e.at().isBefore(opStarted)).toList();
        assertThat(starts).as("the new site's engine was started").isNotEmpty()
                .allSatisfy(e -> assertThat(e.at()).as("%s started after the broker released the old session", e.service())
                        .isAfterOrEqualTo(released.minusMillis(1)));
    }

    private static Instant instant(JsonPath op, String path) {
        String value = op.getString(path);
        assertThat(value).as(path).isNotNull();
        return Instant.parse(value);
    }
}
