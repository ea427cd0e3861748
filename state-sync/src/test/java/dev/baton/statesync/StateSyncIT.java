package dev.baton.statesync;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.common.testing.ApiGuards;
import dev.baton.common.testing.EmbeddedSshResource;
import dev.baton.common.testing.OpenApiDocument;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.ServiceContract;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The packaged state-sync (the jar, or the native runner with {@code -Pnative}) in its production profile, its
 * two sites real SSH/SFTP servers on loopback ({@link EmbeddedSshResource}).
 */
@QuarkusIntegrationTest
@WithTestResource(value = EmbeddedSshResource.class, initArgs = @ResourceArg(name = "prefix", value = "baton.test.primary"))
@WithTestResource(value = EmbeddedSshResource.class, initArgs = @ResourceArg(name = "prefix", value = "baton.test.standby"))
@WithTestResource(StateSyncIT.Settings.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StateSyncIT extends ServiceContract {
    private static final String TOKEN = "it-token-0123456789abcdef";

    /** Loopback only, and the operator's part: the token and both sites (the embedded servers serve SFTP rooted in their directory). */
    public static class Settings implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            Map<String, String> c = new HashMap<>();
            c.put("quarkus.http.host", "127.0.0.1");
            c.put("baton.auth.tokens", TOKEN);
            c.put("baton.sync.continuous.enabled", "false");
            for (String site : new String[] {"primary", "standby"}) {
                for (String key : new String[] {"host", "port", "user", "private-key", "known-hosts"}) {
                    c.put("baton.sync.sites." + site + "." + key, "${baton.test." + site + "." + key + "}");
                }
                c.put("baton.sync.sites." + site + ".root", "/");
            }
            return c;
        }

        @Override
        public void stop() {
        }
    }

    /** Invariant 6: no configured secret reaches the packaged service's log, whatever the tests made it do. */
    @AfterEach
    void noConfiguredSecretInTheServiceLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", TOKEN));
    }

    @Override
    protected String openApiTitle() {
        return "Baton state-sync";
    }

    @Test
    @Order(1)
    void theCoordinatorSetsTheActiveSiteAndSyncsItToTheStandby() {
        authed().body(Map.of("site", "primary", "epoch", 1)).put("/api/v1/active")
                .then().statusCode(200).body("site", equalTo("primary")).body("epoch", equalTo(1));

        authed().body(Map.of("from", "primary", "to", "standby", "epoch", 1)).post("/api/v1/sync")
                .then().statusCode(200).body("from", equalTo("primary")).body("to", equalTo("standby"));
        given().get("/api/v1/status").then().statusCode(200).body("activeSite", equalTo("primary"));
    }

    @Test
    @Order(2)
    void aSyncWithoutTokenIsRefusedWithProblemJson() {
        ApiGuards.refusesWithoutToken("/api/v1/sync", Map.of("from", "primary", "to", "standby", "epoch", 1));
    }

    @Test
    @Order(3)
    void malformedJsonIsA400() {
        ApiGuards.rejectsMalformedJson("/api/v1/sync", TOKEN, "{\"from\": ");
    }

    @Test
    void theCommittedOpenApiDocumentIsCurrent() {
        OpenApiDocument.assertCommittedCopyIsCurrent("state-sync", new YAMLMapper());
    }

    private static RequestSpecification authed() {
        return ApiGuards.authed(TOKEN);
    }
}
