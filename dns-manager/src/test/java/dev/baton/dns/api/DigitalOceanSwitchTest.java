package dev.baton.dns.api;

import static dev.baton.dns.api.CloudflareSwitchTest.api;
import static dev.baton.dns.api.CloudflareSwitchTest.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Compare-and-set switching through the DigitalOcean API v2 fake. */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
class DigitalOceanSwitchTest {

    @InjectDnsWorld
    DnsWorld world;

    @BeforeEach
    void fresh() {
        world.reset();
    }

    @Test
    void switchesWithAPutThatKeepsTheRelativeName() {
        int id = world.digitalOcean().add("example.net", "www", "A", "192.0.2.10", 1800);

        given().get("/api/v1/records?zone=example.net&name=www.example.net&type=A").then().statusCode(200)
                .body("records", hasSize(1))
                .body("records[0].value", equalTo("192.0.2.10"));
        api().body(body("example.net", "www.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("providerResponseId", equalTo(String.valueOf(id)));

        var record = world.digitalOcean().record(id);
        assertThat(record.path("name").asText()).isEqualTo("www");
        assertThat(record.path("data").asText()).isEqualTo("198.51.100.20");
        assertThat(record.path("ttl").asInt()).isEqualTo(60);
    }

    @Test
    void anotherWriterRightAfterTheWriteIsReportedAsAConflictNamingItsValue() {
        int id = world.digitalOcean().add("example.net", "www", "A", "192.0.2.10", 1800);
        world.digitalOcean().afterNextWrite(() -> world.digitalOcean().setData(id, "203.0.113.99"));

        api().body(body("example.net", "www.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(409)
                .body("detail", containsString("it is now [203.0.113.99]"))
                .body("current[0].value", equalTo("203.0.113.99"));
    }

    /** The documented window, as for Cloudflare: a writer between the read and the PUT is overwritten unseen. */
    @Test
    void anotherWriterBetweenTheReadAndTheWriteIsOverwrittenTheDocumentedWindow() {
        int id = world.digitalOcean().add("example.net", "www", "A", "192.0.2.10", 1800);
        world.digitalOcean().beforeNextWrite(() -> world.digitalOcean().setData(id, "203.0.113.99"));

        api().body(body("example.net", "www.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));

        assertThat(world.digitalOcean().record(id).path("data").asText()).isEqualTo("198.51.100.20");
    }

    @Test
    void switchesTheApexRecordNamedAt() {
        int id = world.digitalOcean().add("example.net", "@", "A", "192.0.2.10", 1800);

        api().body(body("example.net", "example.net", "A", "192.0.2.10", "198.51.100.20", null, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED")).body("after.ttl", equalTo(1800));

        assertThat(world.digitalOcean().record(id).path("name").asText()).isEqualTo("@");
        assertThat(world.digitalOcean().changes()).containsExactly("PUT @ A 198.51.100.20 ttl=1800");
    }

    @Test
    void followsLinksPagesNextToTheRecord() {
        world.digitalOcean().maxPerPage(2);
        for (int i = 1; i <= 4; i++) {
            world.digitalOcean().add("example.net", "pool", "A", "203.0.113." + i, 300);
        }
        int last = world.digitalOcean().add("example.net", "pool", "A", "192.0.2.10", 300);

        api().body(body("example.net", "pool.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));

        assertThat(world.digitalOcean().record(last).path("data").asText()).isEqualTo("198.51.100.20");
    }

    @Test
    void waitsForTheRateLimitResetThenSwitches() {
        world.digitalOcean().add("example.net", "www", "A", "192.0.2.10", 1800);
        world.digitalOcean().rateLimit(1);

        api().body(body("example.net", "www.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));
        assertThat(world.digitalOcean().changes()).hasSize(1);
    }

    @Test
    void aTransientServerErrorIsRetried() {
        world.digitalOcean().add("example.net", "www", "A", "192.0.2.10", 1800);
        world.digitalOcean().failNext(2, 503);

        api().body(body("example.net", "www.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));
    }

    @Test
    void refusesWhenTheRecordIsSomethingElse() {
        world.digitalOcean().add("example.net", "www", "A", "203.0.113.9", 1800);

        api().body(body("example.net", "www.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(409).body("current[0].value", equalTo("203.0.113.9"));
        assertThat(world.digitalOcean().changes()).isEmpty();
    }

    @Test
    void aMissingRecordIsAConflictToo() {
        api().body(body("example.net", "gone.example.net", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(409).body("current", hasSize(0));
    }

    @Test
    void prepareLowersTheTtlAndSaysWhenItIsSafeToSwitch() {
        int id = world.digitalOcean().add("example.net", "www", "A", "192.0.2.10", 3600);

        api().body("{\"zone\":\"example.net\",\"name\":\"www.example.net\",\"type\":\"A\",\"ttl\":60}")
                .post("/api/v1/prepare")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("previousTtl", equalTo(3600))
                .body("ttl", equalTo(60));
        assertThat(world.digitalOcean().record(id).path("ttl").asInt()).isEqualTo(60);
        assertThat(world.digitalOcean().record(id).path("data").asText()).isEqualTo("192.0.2.10");

        api().body("{\"zone\":\"example.net\",\"name\":\"www.example.net\",\"type\":\"A\",\"ttl\":60}")
                .post("/api/v1/prepare")
                .then().statusCode(200).body("outcome", equalTo("ALREADY_DONE"));
        assertThat(world.digitalOcean().changes()).hasSize(1);
    }
}
