package dev.baton.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.common.testing.ApiGuards;
import dev.baton.common.testing.OpenApiDocument;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.ServiceContract;
import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged dns-manager (the jar, or the native runner with {@code -Pnative}) in its production profile,
 * its provider accounts pointed at the faithful provider fakes of {@link DnsWorldResource}.
 */
@QuarkusIntegrationTest
@WithTestResource(DnsWorldResource.class)
@WithTestResource(DnsManagerIT.Settings.class)
class DnsManagerIT extends ServiceContract {
    private static final String TOKEN = "it-token-0123456789abcdef";

    /** Loopback only, and the operator's part besides the provider accounts: the token. */
    public static class Settings implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of("quarkus.http.host", "127.0.0.1", "baton.auth.tokens", TOKEN);
        }

        @Override
        public void stop() {
        }
    }

    @InjectDnsWorld
    DnsWorld world;

    /** Invariant 6: no configured secret reaches the packaged service's log, whatever the tests made it do. */
    @AfterEach
    void noConfiguredSecretInTheServiceLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", TOKEN, "Cloudflare token", DnsWorld.CF_TOKEN, "DigitalOcean token", DnsWorld.DO_TOKEN,
                "AWS secret key", DnsWorld.AWS_SECRET, "TSIG secret", world.knot() != null ? world.knot().tsigSecret() : "c2VjcmV0"));
    }

    @Override
    protected String openApiTitle() {
        return "Baton dns-manager";
    }

    @Test
    void switchesACloudflareRecordCompareAndSet() {
        String id = world.cloudflare().add("example.com", "it.example.com", "A", "192.0.2.10", 300, false);

        authed().body(Map.of("zone", "example.com", "name", "it.example.com", "type", "A",
                        "from", "192.0.2.10", "to", "198.51.100.20", "ttl", 60, "dryRun", false))
                .post("/api/v1/switch")
                .then().statusCode(200).body("outcome", equalTo("CHANGED")).body("after.value", equalTo("198.51.100.20"));

        assertThat(world.cloudflare().record(id).path("content").asText()).isEqualTo("198.51.100.20");
    }

    @Test
    void aSwitchWithoutTokenIsRefusedWithProblemJson() {
        String id = world.cloudflare().add("example.com", "guarded.example.com", "A", "192.0.2.10", 300, false);
        ApiGuards.refusesWithoutToken("/api/v1/switch",
                Map.of("zone", "example.com", "name", "guarded.example.com", "type", "A", "from", "192.0.2.10", "to", "198.51.100.20"),
                () -> world.cloudflare().record(id).toString());
        assertThat(world.cloudflare().record(id).path("content").asText()).isEqualTo("192.0.2.10");
    }

    @Test
    void malformedJsonIsA400() {
        ApiGuards.rejectsMalformedJson("/api/v1/switch", TOKEN, "{\"zone\": ");
    }

    @Test
    void theCommittedOpenApiDocumentIsCurrent() {
        OpenApiDocument.assertCommittedCopyIsCurrent("dns-manager", new YAMLMapper());
    }

    private static RequestSpecification authed() {
        return ApiGuards.authed(TOKEN);
    }
}
