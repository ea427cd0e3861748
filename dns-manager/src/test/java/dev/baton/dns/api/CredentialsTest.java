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
import java.nio.file.Files;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Refused credentials are reported clearly, and no secret ever shows up in what the service exposes. */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
class CredentialsTest {
    private static final String[] SECRETS = {DnsWorld.CF_TOKEN, DnsWorld.DO_TOKEN, DnsWorld.AWS_SECRET, DnsWorld.WRONG_SECRET};

    @InjectDnsWorld
    DnsWorld world;

    @BeforeEach
    void fresh() {
        world.reset();
    }

    @Test
    void aRoute53SignatureMadeWithTheWrongSecretIsRefused() {
        api().body(body("r53-bad.example", "www.r53-bad.example", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(502)
                .body("title", equalTo("Provider refused our credentials"))
                .body("detail", containsString("SignatureDoesNotMatch"));
    }

    @Test
    void aWrongCloudflareTokenIsRefused() {
        given().get("/api/v1/records?zone=cf-bad.example&name=www.cf-bad.example&type=A")
                .then().statusCode(502)
                .body("title", equalTo("Provider refused our credentials"))
                .body("detail", containsString("9109 Invalid access token"));
    }

    @Test
    void noSecretAppearsInResponsesMetricsHealthOrTheAudit() throws Exception {
        world.cloudflare().add("example.com", "www.example.com", "A", "192.0.2.10", 300, false);
        api().body(body("example.com", "www.example.com", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch").then().statusCode(200);
        api().body(body("r53-bad.example", "www.r53-bad.example", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch").then().statusCode(502);

        String exposed = given().get("/q/metrics").asString()
                + given().get("/q/health").asString()
                + given().get("/api/v1/audit").asString()
                + given().queryParam("format", "json").get("/q/openapi").asString()
                + (Files.exists(world.auditFile()) ? Files.readString(world.auditFile()) : "");
        assertThat(exposed).contains("baton_dns_switches_total");
        for (String secret : SECRETS) {
            assertThat(exposed).doesNotContain(secret);
        }
    }
}
