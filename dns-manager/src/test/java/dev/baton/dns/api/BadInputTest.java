package dev.baton.dns.api;

import static dev.baton.dns.api.CloudflareSwitchTest.api;
import static dev.baton.dns.api.CloudflareSwitchTest.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Requests that cannot be right get a 400 problem JSON saying why, and no provider is called. */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
class BadInputTest {

    @InjectDnsWorld
    DnsWorld world;

    @BeforeEach
    void fresh() {
        world.reset();
    }

    @AfterEach
    void noProviderWasCalled() {
        assertThat(world.cloudflare().requests() + world.digitalOcean().requests() + world.route53().requests()).isZero();
    }

    @Test
    void unknownZone() {
        api().body(body("nowhere.example", "www.nowhere.example", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("unknown zone 'nowhere.example'"));
    }

    @Test
    void unknownProvider() {
        api().queryParam("provider", "godaddy")
                .body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("detail", containsString("unknown provider 'godaddy'"));
        given().get("/api/v1/records?zone=example.com&name=www.example.com&type=A&provider=godaddy")
                .then().statusCode(400).body("detail", containsString("unknown provider"));
    }

    @Test
    void providerThatDoesNotServeTheZone() {
        api().queryParam("provider", "do")
                .body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("detail", containsString("served by provider cf"));
    }

    @Test
    void invalidAddressForAnARecord() {
        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.300", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("detail", equalTo("to: '198.51.100.300' is not an IPv4 address"));
        api().body(body("example.com", "www.example.com", "AAAA", "2001:db8::1", "192.0.2.1", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("detail", containsString("not an IPv6 address"));
    }

    @Test
    void nameOutsideTheZone() {
        api().body(body("example.com", "www.example.org", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("detail", containsString("outside the zone example.com"));
        // a look-alike suffix is not inside the zone either
        api().body(body("example.com", "www.badexample.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("detail", containsString("outside the zone"));
    }

    @Test
    void unsupportedTypeAndMissingFields() {
        api().body(body("example.com", "www.example.com", "MX", "mx1.example.com", "mx2.example.com", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("violations[0].field", equalTo("type"));
        api().body("{\"zone\":\"example.com\",\"name\":\"www.example.com\",\"type\":\"A\",\"to\":\"198.51.100.20\"}")
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("violations[0].field", equalTo("from"));
        api().body("{not json").post("/api/v1/switch").then().statusCode(400).body("title", equalTo("Malformed JSON"));
    }

    @Test
    void ttlOutOfRange() {
        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 0, false))
                .post("/api/v1/switch")
                .then().statusCode(400)
                .body("violations[0].field", equalTo("ttl"));
    }

    @Test
    void propagationWithABadExpectedValueOrWait() {
        given().get("/api/v1/propagation?name=www.example.test&type=A&expected=not-an-ip")
                .then().statusCode(400).body("detail", containsString("not an IPv4 address"));
        given().get("/api/v1/propagation?name=www.example.test&type=A&expected=192.0.2.1&wait=soon")
                .then().statusCode(400).body("detail", containsString("wait must be"));
        given().get("/api/v1/propagation?name=www.example.test&type=A&expected=192.0.2.1&nameservers=ns1.example.test")
                .then().statusCode(400).body("detail", containsString("not an IP address"));
    }
}
