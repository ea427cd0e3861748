package dev.baton.dns.api;

import static dev.baton.dns.api.CloudflareSwitchTest.api;
import static dev.baton.dns.api.CloudflareSwitchTest.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.baton.common.testing.RequiredTool;
import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import dev.baton.common.testing.KnotServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * RFC 2136 switching against a real authoritative server (knotd) and propagation checked at two real
 * nameservers, one of which lags behind.
 */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
class Rfc2136PropagationTest {

    @InjectDnsWorld
    DnsWorld world;

    @BeforeEach
    void needsKnot() {
        RequiredTool.require(world.hasKnot(), "knotd at " + KnotServers.KNOTD + " (apt-get install knot)");
        world.reset();
    }

    private String primary() {
        return KnotServers.hostPort(world.knot().primary());
    }

    private String lagging() {
        return KnotServers.hostPort(world.knot().lagging());
    }

    @Test
    void switchesThroughASignedDynamicUpdateAndReadsTheResultBack() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "app.example.test", "A", "192.0.2.10", 300);

        api().body(body("example.test", "app.example.test", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("provider", equalTo("knot"))
                .body("providerResponseId", notNullValue());

        given().get("/api/v1/records?zone=example.test&name=app.example.test&type=A").then().statusCode(200)
                .body("records", hasSize(1))
                .body("records[0].value", equalTo("198.51.100.20"))
                .body("records[0].ttl", equalTo(60));

        // the same request again changes nothing; a stale 'from' is refused with the live value
        api().body(body("example.test", "app.example.test", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch").then().statusCode(200).body("outcome", equalTo("ALREADY_DONE"));
        api().body(body("example.test", "app.example.test", "A", "192.0.2.99", "192.0.2.98", 60, false))
                .post("/api/v1/switch").then().statusCode(409).body("current[0].value", equalTo("198.51.100.20"));
    }

    @Test
    void reportsTheLaggingNameserverUntilItCatchesUp() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "lag.example.test", "A", "192.0.2.10", 300);
        world.knot().set(world.knot().lagging(), "example.test", "lag.example.test", "A", "192.0.2.10", 300);

        api().body(body("example.test", "lag.example.test", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch").then().statusCode(200).body("outcome", equalTo("CHANGED"));

        JsonPath report = given().get("/api/v1/propagation?name=lag.example.test&type=A&expected=198.51.100.20")
                .then().statusCode(200).extract().jsonPath();
        assertThat(report.getBoolean("complete")).isFalse();
        assertThat(report.getBoolean("timedOut")).isFalse();
        assertThat(report.getString("nameservers.find { it.server == '" + primary() + "' }.matches")).isEqualTo("true");
        assertThat(report.getList("nameservers.find { it.server == '" + primary() + "' }.answers")).containsExactly("198.51.100.20");
        assertThat(report.getString("nameservers.find { it.server == '" + lagging() + "' }.matches")).isEqualTo("false");
        assertThat(report.getList("nameservers.find { it.server == '" + lagging() + "' }.answers")).containsExactly("192.0.2.10");
        long primarySerial = report.getLong("nameservers.find { it.server == '" + primary() + "' }.soaSerial");
        long laggingSerial = report.getLong("nameservers.find { it.server == '" + lagging() + "' }.soaSerial");
        assertThat(primarySerial).isGreaterThan(laggingSerial);

        // a waiting check keeps polling and ends as soon as the laggard catches up
        CompletableFuture<JsonPath> waiting = CompletableFuture.supplyAsync(() -> given()
                .get("/api/v1/propagation?name=lag.example.test&type=A&expected=198.51.100.20&wait=20")
                .then().statusCode(200).extract().jsonPath());
        world.knot().set(world.knot().lagging(), "example.test", "lag.example.test", "A", "198.51.100.20", 60);
        JsonPath done = waiting.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(done.getBoolean("complete")).isTrue();
        assertThat(done.getBoolean("timedOut")).isFalse();
        assertThat(done.getList("nameservers.matches")).containsOnly(true);
        assertThat(done.getList("nameservers.authoritative")).containsOnly(true);
    }

    @Test
    void aWaitThatRunsOutIsReportedAsTimedOut() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "never.example.test", "A", "192.0.2.10", 300);
        world.knot().set(world.knot().lagging(), "example.test", "never.example.test", "A", "192.0.2.10", 300);

        // the wait in any form configuration takes: bare seconds, a unit, ISO-8601
        for (String wait : new String[] {"1", "700ms", "1s", "PT0.5S"}) {
            given().get("/api/v1/propagation?name=never.example.test&type=A&expected=198.51.100.20&wait=" + wait)
                    .then().statusCode(200)
                    .body("complete", equalTo(false))
                    .body("timedOut", equalTo(true))
                    .body("rounds", greaterThan(0))
                    .body("nameservers.answers.flatten()", hasItem("192.0.2.10"));
        }
    }

    @Test
    void aServerThatIsNotAuthoritativeForTheZoneNeverCounts() {
        given().get("/api/v1/propagation?name=www.not-served.example&type=A&expected=192.0.2.10&nameservers=" + primary())
                .then().statusCode(200)
                .body("complete", equalTo(false))
                .body("nameservers[0].authoritative", equalTo(false))
                .body("nameservers[0].error", containsString("not authoritative"));
    }

    @Test
    void explicitNameserversOverrideTheConfiguredOnes() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "only.example.test", "A", "198.51.100.20", 60);

        given().get("/api/v1/propagation?name=only.example.test&type=A&expected=198.51.100.20&nameservers=" + primary())
                .then().statusCode(200)
                .body("complete", equalTo(true))
                .body("nameservers", hasSize(1))
                .body("resolvers[0].informational", equalTo(true));
    }

    @Test
    void providerFakeSwitchThenPropagationAtTheRealServers() throws Exception {
        // Cloudflare's authoritative servers are knot here: the test plays Cloudflare's edge by mirroring the change
        world.cloudflare().add("example.com", "www.example.com", "A", KnotServers.WWW_START, 300, false);
        api().body(body("example.com", "www.example.com", "A", KnotServers.WWW_START, "198.51.100.20", 60, false))
                .post("/api/v1/switch").then().statusCode(200).body("outcome", equalTo("CHANGED"));
        String changed = world.cloudflare().changes().get(0);
        assertThat(changed).contains("198.51.100.20");
        world.knot().set(world.knot().primary(), "example.com", "www.example.com", "A", "198.51.100.20", 60);
        world.knot().set(world.knot().lagging(), "example.com", "www.example.com", "A", "198.51.100.20", 60);

        given().get("/api/v1/propagation?name=www.example.com&type=A&expected=198.51.100.20&wait=5")
                .then().statusCode(200)
                .body("zone", equalTo("example.com"))
                .body("complete", equalTo(true))
                .body("nameservers", hasSize(2));
    }

    @Test
    void resolversAreInformationalUntilTheOldTtlHasPassed() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "cache.example.test", "A", "192.0.2.10", 300);
        String url = "/api/v1/propagation?name=cache.example.test&type=A&expected=198.51.100.20";

        given().get(url).then().statusCode(200)
                .body("resolvers[0].informational", equalTo(true))
                .body("resolvers[0].matches", equalTo(false))
                .body("resolvers[0].error", org.hamcrest.Matchers.nullValue());
        given().get(url + "&cachesExpireAt=2020-01-01T00:00:00Z").then().statusCode(200)
                .body("resolversAgree", equalTo(false))
                .body("resolvers[0].informational", equalTo(false))
                .body("resolvers[0].error", containsString("old value"));
    }

    @Test
    void aRealSecondaryCatchesUpThroughNotifyAndIxfrWhileTheCheckWaits() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "sec.example.test", "A", "192.0.2.10", 300);
        String pair = primary() + "," + KnotServers.hostPort(world.knot().secondary());
        org.awaitility.Awaitility.await("secondary has the starting value").atMost(java.time.Duration.ofSeconds(15))
                .until(() -> given().get("/api/v1/propagation?name=sec.example.test&type=A&expected=192.0.2.10&nameservers=" + pair)
                        .then().extract().jsonPath().getBoolean("complete"));

        api().body(body("example.test", "sec.example.test", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch").then().statusCode(200).body("outcome", equalTo("CHANGED"));

        JsonPath report = given().get("/api/v1/propagation?name=sec.example.test&type=A&expected=198.51.100.20&wait=20&nameservers=" + pair)
                .then().statusCode(200).extract().jsonPath();
        assertThat(report.getBoolean("complete")).isTrue();
        assertThat(report.getList("nameservers.soaSerial", Long.class)).hasSize(2).doesNotContainNull()
                .satisfies(serials -> assertThat(serials.get(0)).isEqualTo(serials.get(1)));
    }

    @Test
    void withoutConfiguredNameserversTheZonesNsRecordsAreLookedUp() {
        // discover.example has no nameservers configured; its NS is ns1.discover.example, A 127.0.0.1 (port 53)
        given().get("/api/v1/propagation?name=www.discover.example&type=A&expected=" + KnotServers.WWW_START)
                .then().statusCode(200)
                .body("zone", equalTo("discover.example"))
                .body("nameservers", hasSize(1))
                .body("nameservers[0].host", equalTo("ns1.discover.example"))
                .body("nameservers[0].server", equalTo("127.0.0.1:53"));
    }

    @Test
    void prepareLowersTheTtlOfTheWholeSetOnTheServer() throws Exception {
        world.knot().set(world.knot().primary(), "example.test", "ttl.example.test", "A", "192.0.2.10", 3600);

        api().body("{\"zone\":\"example.test\",\"name\":\"ttl.example.test\",\"type\":\"A\"}")
                .post("/api/v1/prepare")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("previousTtl", equalTo(3600))
                .body("ttl", equalTo(60));

        given().get("/api/v1/records?zone=example.test&name=ttl.example.test&type=A").then().statusCode(200)
                .body("records[0].value", equalTo("192.0.2.10"))
                .body("records[0].ttl", equalTo(60));
    }
}
