package dev.baton.notifier;

import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.github.tomakehurst.wiremock.client.WireMock;
import dev.baton.common.testing.ApiGuards;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.OpenApiDocument;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.ServiceContract;
import dev.baton.notifier.testing.ChannelFakes;
import dev.baton.notifier.testing.ChannelFakesResource;
import dev.baton.notifier.testing.InjectChannelFakes;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.specification.RequestSpecification;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged notifier (the jar, or the native runner with {@code -Pnative}) in its production profile: only
 * the settings an operator gives it, a real PostgreSQL for the outbox and a faithful Telegram Bot API fake.
 */
@QuarkusIntegrationTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(ChannelFakesResource.class)
@WithTestResource(NotifierIT.Settings.class)
class NotifierIT extends ServiceContract {
    private static final String TOKEN = "it-token-0123456789abcdef";
    private static final String TELEGRAM_TOKEN = "123456:TEST-SECRET-TOKEN-abcdefXYZ";

    /** Loopback only, and what an operator sets: the token and one Telegram channel with a route (the Bot API is the fake's). */
    public static class Settings implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            return Map.of(
                    "quarkus.http.host", "127.0.0.1",
                    "baton.auth.tokens", TOKEN,
                    "baton.notifier.channels.ops.telegram.token", TELEGRAM_TOKEN,
                    "baton.notifier.channels.ops.telegram.chat-id", "100",
                    "baton.notifier.channels.ops.telegram.api-url", "${baton.test.fake-url}",
                    "baton.notifier.routes[0].channels", "ops",
                    "baton.notifier.pipeline.group-wait", "0s");
        }

        @Override
        public void stop() {
        }
    }

    /** Invariant 6: no configured secret reaches the packaged service's log, whatever the tests made it do. */
    @AfterEach
    void noConfiguredSecretInTheServiceLog() {
        PackagedLog.assertNoSecret(Map.of("bearer token", TOKEN, "Telegram bot token", TELEGRAM_TOKEN,
                "database password", dev.baton.common.testing.EmbeddedPostgresResource.PASSWORD));
    }

    @InjectChannelFakes
    ChannelFakes fakes;

    @Override
    protected String openApiTitle() {
        return "Baton notifier";
    }

    @Test
    void anAuthenticatedAlertIsDeliveredToTelegram() {
        authed().body(Map.of("severity", "CRITICAL", "title", "engine down", "dedupKey", "it-engine-down",
                        "labels", Map.of("site", "primary")))
                .post("/api/v1/alerts")
                .then().statusCode(202).body("disposition", equalTo("NOTIFY"));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().get("/api/v1/alerts").then().statusCode(200)
                .body("find { it.key == 'it-engine-down' }.deliveries.state", hasItem("DELIVERED")));
        // and the Bot API fake really received it: the configured chat, the alert's title in the text
        fakes.http().verify(1, postRequestedFor(urlEqualTo(ChannelFakesResource.TG_PATH))
                .withRequestBody(matchingJsonPath("$.chat_id", WireMock.equalTo("100")))
                .withRequestBody(matchingJsonPath("$.text", WireMock.containing("engine down"))));
    }

    @Test
    void anAlertWithoutTokenIsRefusedWithProblemJson() {
        ApiGuards.refusesWithoutToken("/api/v1/alerts", Map.of("severity", "INFO", "title", "x"),
                () -> given().get("/api/v1/alerts?limit=500").then().statusCode(200).extract().jsonPath().getList("id"));
    }

    @Test
    void malformedJsonIsA400() {
        ApiGuards.rejectsMalformedJson("/api/v1/alerts", TOKEN, "{\"severity\": \"CRITICAL\", \"title\": ");
    }

    @Test
    void theCommittedOpenApiDocumentIsCurrent() {
        OpenApiDocument.assertCommittedCopyIsCurrent("notifier", new YAMLMapper());
    }

    private static RequestSpecification authed() {
        return ApiGuards.authed(TOKEN);
    }
}
