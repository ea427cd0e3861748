package dev.baton.healthchecker;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.baton.common.testing.OpenApiDocument;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.ServiceContract;
import dev.baton.healthchecker.testing.InjectPeers;
import dev.baton.healthchecker.testing.LoopbackPeersResource;
import dev.baton.healthchecker.testing.LoopbackPeersResource.Peers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.util.Map;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged health-checker (the jar, or the native runner with {@code -Pnative}) in its production profile:
 * it probes a loopback HTTP target and a real SSH server, and pushes its verdicts with a bearer token to a
 * coordinator fake that refuses any other ({@link LoopbackPeersResource}). It has no mutating endpoint of its own.
 */
@QuarkusIntegrationTest
@WithTestResource(LoopbackPeersResource.class)
@WithTestResource(HealthCheckerIT.Settings.class)
class HealthCheckerIT extends ServiceContract {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Loopback only, and the operator's part: the token and this observer's name. */
    public static class Settings implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "quarkus.http.host", "127.0.0.1",
                    "baton.auth.tokens", "it-token-0123456789abcdef",
                    "baton.health.observer", "witness");
        }

        @Override
        public void stop() {
        }
    }

    @InjectPeers
    Peers peers;

    /** Invariant 6: no configured secret reaches the packaged service's log, whatever the tests made it do. */
    @AfterEach
    void noConfiguredSecretInTheServiceLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", "it-token-0123456789abcdef", "coordinator push token", LoopbackPeersResource.COORDINATOR_TOKEN));
    }

    @Override
    protected String openApiTitle() {
        return "Baton health-checker";
    }

    @Test
    void probesBothSitesAndPushesVerdictsWithItsToken() {
        await().atMost(PATIENCE).untilAsserted(() -> given().get("/api/v1/verdicts").then().statusCode(200)
                .body("observer", Matchers.equalTo("witness"))
                .body("sites.primary.status", Matchers.equalTo("UP"))
                .body("sites.standby.status", Matchers.equalTo("UP")));

        await().atMost(PATIENCE).untilAsserted(() -> peers.coordinator().verify(postRequestedFor(urlEqualTo("/api/v1/verdicts"))
                .withHeader("Authorization", equalTo("Bearer " + LoopbackPeersResource.COORDINATOR_TOKEN))
                .withRequestBody(matchingJsonPath("$.observer", equalTo("witness")))
                .withRequestBody(matchingJsonPath("$.sites.primary.status", equalTo("UP")))));
    }

    @Test
    void aPostToItsReadOnlyApiIsRefusedWithProblemJson() {
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/verdicts")
                .then().statusCode(405).contentType("application/problem+json").body("status", Matchers.equalTo(405));
    }

    @Test
    void anUnknownCheckIsA404ProblemJson() {
        given().get("/api/v1/checks/no-such-check")
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void theCommittedOpenApiDocumentIsCurrent() {
        OpenApiDocument.assertCommittedCopyIsCurrent("health-checker", new YAMLMapper());
    }
}
