package dev.baton.coordinator;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.common.testing.ApiGuards;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.OpenApiDocument;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.ServiceContract;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged coordinator (the jar, or the native runner with {@code -Pnative}) in its production profile,
 * scheduler on: a real PostgreSQL, both sites as real SSH servers and the other services as fakes
 * ({@link WorldResource}), plus only what an operator must set.
 */
@QuarkusIntegrationTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
@WithTestResource(CoordinatorIT.Settings.class)
class CoordinatorIT extends ServiceContract {
    private static final String TOKEN = "it-token-0123456789abcdef";

    /** Loopback only, and the operator's part: the token and the observers whose verdicts count. */
    public static class Settings implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "quarkus.http.host", "127.0.0.1",
                    "baton.auth.tokens", TOKEN,
                    "baton.coordinator.observers.names", "obs-a,obs-b,obs-c");
        }

        @Override
        public void stop() {
        }
    }

    /** Invariant 6: no configured secret reaches the packaged service's log, whatever the tests made it do. */
    @AfterEach
    void noConfiguredSecretInTheServiceLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", TOKEN, "fencing endpoint token", "cloud-token-0123456789", "session check token", "broker-token-0123456789",
                "database password", EmbeddedPostgresResource.PASSWORD));
    }

    @Override
    protected String openApiTitle() {
        return "Baton failover-coordinator";
    }

    @Test
    void anOperatorFreezesAndUnfreezesAutomaticFailover() {
        authed().body(Map.of("reason", "broker maintenance")).post("/api/v1/freeze")
                .then().statusCode(200).body("frozen", equalTo(true)).body("state", equalTo("PRIMARY_ACTIVE"));
        given().get("/api/v1/status").then().statusCode(200).body("frozen", equalTo(true));

        authed().delete("/api/v1/freeze").then().statusCode(200).body("frozen", equalTo(false));
    }

    @Test
    void aFailoverWithoutTokenIsRefusedWithProblemJson() {
        ApiGuards.refusesWithoutToken("/api/v1/failover", Map.of("reason", "test", "dryRun", false, "force", true),
                () -> java.util.List.<Object>of(given().accept("application/json").get("/api/v1/status").then().extract().<String>path("state"),
                        given().accept("application/json").get("/api/v1/status").then().extract().<Integer>path("epoch"),
                        given().accept("application/json").get("/api/v1/operations").then().statusCode(200).extract().asString()));
    }

    @Test
    void malformedJsonIsA400() {
        ApiGuards.rejectsMalformedJson("/api/v1/freeze", TOKEN, "{\"reason\": ");
    }

    @Test
    void theCommittedOpenApiDocumentIsCurrent() {
        OpenApiDocument.assertCommittedCopyIsCurrent("failover-coordinator", new YAMLMapper());
    }

    private static RequestSpecification authed() {
        return ApiGuards.authed(TOKEN);
    }
}
