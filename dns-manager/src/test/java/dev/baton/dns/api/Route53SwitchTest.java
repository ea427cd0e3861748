package dev.baton.dns.api;

import static dev.baton.dns.api.CloudflareSwitchTest.api;
import static dev.baton.dns.api.CloudflareSwitchTest.body;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Switching through the Route 53 fake, which checks every request's SigV4 signature. */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
class Route53SwitchTest {

    @InjectDnsWorld
    DnsWorld world;

    @BeforeEach
    void fresh() {
        world.reset();
    }

    @Test
    void replacesTheExactRecordSetInOneBatchAndAnswersOnlyOnceTheChangeIsInSync() {
        world.route53().put("example.org", "www.example.org", "A", 300, "192.0.2.10");
        world.route53().put("example.org", "www.example.org", "TXT", 300, "\"v=spf1 -all\"");
        world.route53().pollsUntilInSync(3);

        api().body(body("example.org", "www.example.org", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200)
                .body("outcome", equalTo("CHANGED"))
                .body("providerResponseId", startsWith("C"));

        assertThat(world.route53().get("example.org", "www.example.org", "A")).containsExactly("60", "198.51.100.20");
        assertThat(world.route53().get("example.org", "www.example.org", "TXT")).containsExactly("300", "\"v=spf1 -all\"");
        // compare-and-set: DELETE the set exactly as read, CREATE the new one, in one batch
        assertThat(world.route53().changes()).containsExactly("DELETE www.example.org. A ttl=300 [192.0.2.10]",
                "CREATE www.example.org. A ttl=60 [198.51.100.20]");
        // GetChange polled through PENDING x3 to INSYNC before the API answered
        assertThat(world.route53().changePolls()).isEqualTo(4);
    }

    @Test
    void anotherWriterBetweenReadAndWriteIsRefusedWith409NamingItsValueAndKeepsIt() {
        world.route53().put("example.org", "www.example.org", "A", 300, "192.0.2.10");
        // someone changes the record after dns-manager listed it and before its change batch arrives
        world.route53().beforeNextChange(() -> world.route53().put("example.org", "www.example.org", "A", 300, "203.0.113.99"));

        api().body(body("example.org", "www.example.org", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(409)
                .body("detail", containsString("changed while Baton switched it from 192.0.2.10: it is now [203.0.113.99]"))
                .body("current[0].value", equalTo("203.0.113.99"));

        assertThat(world.route53().get("example.org", "www.example.org", "A")).as("the other writer's value stands")
                .containsExactly("300", "203.0.113.99");
        assertThat(world.route53().changes()).as("Route 53 applied nothing of the refused batch").isEmpty();
        given().get("/api/v1/audit?limit=1").then().body("[0].outcome", equalTo("REFUSED"));
    }

    @Test
    void aRecordAlreadyAtTheNewValueIsLeftAlone() {
        world.route53().put("example.org", "www.example.org", "A", 60, "198.51.100.20");

        api().body(body("example.org", "www.example.org", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("ALREADY_DONE"));

        assertThat(world.route53().changes()).isEmpty();
    }

    @Test
    void keepsTheOtherValuesOfAMultiValueSet() {
        world.route53().put("example.org", "api.example.org", "A", 300, "192.0.2.10", "192.0.2.11");

        api().body(body("example.org", "api.example.org", "A", "192.0.2.10", "198.51.100.20", null, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));

        assertThat(world.route53().get("example.org", "api.example.org", "A")).containsExactly("300", "198.51.100.20", "192.0.2.11");
    }

    @Test
    void throttlingAndPriorRequestNotCompleteAreRetriedWithBackoff() {
        world.route53().put("example.org", "www.example.org", "A", 300, "192.0.2.10");
        world.route53().throttle(2, "Throttling");

        api().body(body("example.org", "www.example.org", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));

        world.route53().throttle(1, "PriorRequestNotComplete");
        api().body(body("example.org", "www.example.org", "A", "198.51.100.20", "192.0.2.10", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));
        assertThat(world.route53().get("example.org", "www.example.org", "A")).containsExactly("60", "192.0.2.10");
    }

    @Test
    void aChangeThatNeverGetsInSyncIsReportedAfterTheDeadline() {
        world.route53().put("example.org", "slow.example.org", "A", 300, "192.0.2.10");
        world.route53().pollsUntilInSync(Integer.MAX_VALUE);

        api().body(body("example.org", "slow.example.org", "A", "192.0.2.10", "198.51.100.20", 60, false))
                .post("/api/v1/switch")
                .then().statusCode(502)
                .body("detail", containsString("still PENDING"));
        given().get("/api/v1/audit?limit=1").then().body("[0].outcome", equalTo("FAILED"));
    }

    @Test
    void txtValuesAreQuotedTheWayRoute53WantsThem() {
        world.route53().put("example.org", "_status.example.org", "TXT", 300, "\"active=primary\"");

        api().body(body("example.org", "_status.example.org", "TXT", "active=primary", "active=standby", null, false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED"));
        assertThat(world.route53().get("example.org", "_status.example.org", "TXT")).isEqualTo(List.of("300", "\"active=standby\""));
    }
}
