package dev.baton.dns.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compare-and-set switching through the Cloudflare API v4 fake. */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
class CloudflareSwitchTest {
    static final String TOKEN = "test-token-0123456789";

    @InjectDnsWorld
    DnsWorld world;

    @BeforeEach
    void fresh() {
        world.reset();
    }

    static RequestSpecification api() {
        return given().auth().oauth2(TOKEN).header("X-Baton-Actor", "coordinator").contentType(ContentType.JSON);
    }

    static String body(String zone, String name, String type, String from, String to, Integer ttl, boolean dryRun) {
        return """
                {"zone":"%s","name":"%s","type":"%s","from":"%s","to":"%s",%s"dryRun":%s}"""
                .formatted(zone, name, type, from, to, ttl == null ? "" : "\"ttl\":" + ttl + ",", dryRun);
    }

    @Test
    void switchesFromTheOldAddressToTheNewOneWithPatchKeepingCommentAndTags() throws Exception {
        String id = world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);

        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("provider", equalTo("cf"))
                .body("before.value", equalTo("192.0.2.10"))
                .body("after.value", equalTo("198.51.100.20"))
                .body("after.ttl", equalTo(60))
                .body("providerResponseId", equalTo(id))
                .body("auditId", notNullValue());

        var record = world.cloudflare().record(id);
        assertThat(record.path("content").asText()).isEqualTo("198.51.100.20");
        assertThat(record.path("comment").asText()).isEqualTo("primary site");
        assertThat(record.path("tags").get(0).asText()).isEqualTo("team:trading");
        assertThat(world.cloudflare().changes()).singleElement().asString().startsWith("PATCH www.example.com A 198.51.100.20 ttl=60");

        // the audit says who, before, after and the provider's id; the file holds the same line
        given().get("/api/v1/audit?limit=1").then().statusCode(200)
                .body("[0].who", containsString("coordinator (token:"))
                .body("[0].before", equalTo("192.0.2.10"))
                .body("[0].after", equalTo("198.51.100.20"))
                .body("[0].providerResponseId", equalTo(id));
        assertThat(Files.readString(world.auditFile())).contains("\"after\":\"198.51.100.20\"").doesNotContain(DnsWorld.CF_TOKEN);
    }

    @Test
    void aProxiedRecordStaysProxiedAndIsReportedAsSuch() {
        String id = world.cloudflare().add("example.com", "app.example.com", "A", "192.0.2.10", 1, true);

        given().get("/api/v1/records?zone=example.com&name=app.example.com&type=A").then().statusCode(200)
                .body("records", hasSize(1))
                .body("records[0].proxied", equalTo(true));

        api().body(body("example.com", "app.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("after.proxied", equalTo(true))
                .body("notes[0]", containsString("proxied"));

        var record = world.cloudflare().record(id);
        assertThat(record.path("proxied").asBoolean()).isTrue();
        assertThat(record.path("content").asText()).isEqualTo("198.51.100.20");
        // PATCH sent the content only: no ttl (Cloudflare refuses one on proxied records), no proxied flag
        assertThat(world.cloudflare().changes()).singleElement().asString().doesNotContain("\"ttl\"").doesNotContain("\"proxied\"");
    }

    @Test
    void aRecordAlreadyPointingAtTheNewAddressIsLeftAloneSoRetriesAreSafe() {
        world.cloudflare().add("example.com", "www.example.com", "A", "198.51.100.20", 60, false);
        String request = body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false);

        api().body(request).post("/api/v1/switch").then().statusCode(200).body("outcome", equalTo("ALREADY_DONE"));
        api().body(request).post("/api/v1/switch").then().statusCode(200).body("outcome", equalTo("ALREADY_DONE"));

        assertThat(world.cloudflare().changes()).isEmpty();
    }

    @Test
    void aRecordHoldingSomethingElseIsRefusedWith409AndItsCurrentValue() {
        world.cloudflare().add("example.com", "www.example.com", "A", "203.0.113.7", 300, false);

        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("detail", containsString("203.0.113.7"))
                .body("current[0].value", equalTo("203.0.113.7"));

        assertThat(world.cloudflare().changes()).isEmpty();
        given().get("/api/v1/audit?limit=1").then().body("[0].outcome", equalTo("REFUSED"));
    }

    @Test
    void anotherWriterRightAfterTheWriteIsReportedAsAConflictNamingItsValue() {
        String id = world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);
        world.cloudflare().afterNextWrite(() -> world.cloudflare().setContent(id, "203.0.113.99"));

        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(409)
                .body("detail", containsString("it is now [203.0.113.99]"))
                .body("detail", containsString("reading it back shows another value"))
                .body("current[0].value", equalTo("203.0.113.99"));
        given().get("/api/v1/audit?limit=1").then().body("[0].outcome", equalTo("REFUSED"));
    }

    /**
     * The documented window: Cloudflare has no conditional update, so a writer between dns-manager's read and its
     * PATCH is overwritten unseen (last writer wins). The switch reports CHANGED and the record holds Baton's value.
     */
    @Test
    void anotherWriterBetweenTheReadAndTheWriteIsOverwrittenTheDocumentedWindow() {
        String id = world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);
        world.cloudflare().beforeNextWrite(() -> world.cloudflare().setContent(id, "203.0.113.99"));

        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));

        assertThat(world.cloudflare().record(id).path("content").asText()).isEqualTo("198.51.100.20");
    }

    @Test
    void aDryRunShowsTheExactChangeAndTouchesNothing() {
        String id = world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);

        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, true))
                .post("/api/v1/switch")
                .then().statusCode(200)
                .body("outcome", equalTo("DRY_RUN"))
                .body("before.value", equalTo("192.0.2.10"))
                .body("before.ttl", equalTo(300))
                .body("after.value", equalTo("198.51.100.20"))
                .body("after.ttl", equalTo(60))
                .body("after.id", equalTo(id));

        assertThat(world.cloudflare().changes()).isEmpty();
        assertThat(world.cloudflare().record(id).path("content").asText()).isEqualTo("192.0.2.10");
    }

    @Test
    void findsTheRecordOnALaterPage() {
        world.cloudflare().maxPerPage(2);
        for (int i = 1; i <= 4; i++) {
            world.cloudflare().add("example.com", "pool.example.com", "A", "203.0.113." + i, 300, false);
        }
        String last = world.cloudflare().add("example.com", "pool.example.com", "A", "192.0.2.10", 300, false);

        given().get("/api/v1/records?zone=example.com&name=pool.example.com&type=A").then().statusCode(200)
                .body("records", hasSize(5));
        api().body(body("example.com", "pool.example.com", "A", "192.0.2.10", "198.51.100.20", null, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED")).body("after.ttl", equalTo(300));

        assertThat(world.cloudflare().record(last).path("content").asText()).isEqualTo("198.51.100.20");
    }

    @Test
    void waitsOutAShortRateLimitWindowThenSwitches() {
        world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);
        world.cloudflare().rateLimit(1, 1);

        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));

        assertThat(world.cloudflare().changes()).hasSize(1);
    }

    @Test
    void aLongRateLimitWindowFailsFastWith503AndHoldsBackLaterCalls() {
        world.cloudflare().add("limited.example", "www.limited.example", "A", "192.0.2.10", 300, false);
        world.cloudflare().rateLimit(1, 300);

        api().body(body("limited.example", "www.limited.example", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(503)
                .header("Retry-After", notNullValue())
                .body("detail", containsString("HTTP 429"));
        int seen = world.cloudflare().requests();

        // Cloudflare blocks every call for the window: the next request is not even sent
        api().body(body("limited.example", "www.limited.example", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(503)
                .body("detail", containsString("rate limited"));
        assertThat(world.cloudflare().requests()).isEqualTo(seen);
        assertThat(world.cloudflare().changes()).isEmpty();
    }

    @Test
    void switchingNeedsTheBearerToken() {
        given().contentType(ContentType.JSON)
                .body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(401);
        assertThat(world.cloudflare().requests()).isZero();
    }

    @Test
    void concurrentIdenticalSwitchesChangeTheRecordOnce() throws Exception {
        String id = world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);
        String request = body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false);

        var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
        try {
            var calls = new java.util.ArrayList<java.util.concurrent.Future<String>>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit(() -> api().body(request).post("/api/v1/switch")
                        .then().statusCode(200).extract().path("outcome")));
            }
            var outcomes = new java.util.ArrayList<String>();
            for (var call : calls) {
                outcomes.add(call.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(outcomes).containsOnlyOnce("CHANGED").containsOnly("CHANGED", "ALREADY_DONE");
        } finally {
            pool.shutdownNow();
        }
        assertThat(world.cloudflare().changes()).hasSize(1);
        assertThat(world.cloudflare().record(id).path("content").asText()).isEqualTo("198.51.100.20");
    }
}
