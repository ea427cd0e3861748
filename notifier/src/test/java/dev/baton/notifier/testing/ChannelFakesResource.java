package dev.baton.notifier.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Faithful fakes of the channel APIs on 127.0.0.1: Telegram Bot API ({@code POST /bot<token>/sendMessage}, 401 for a
 * wrong token, 429 with {@code parameters.retry_after}, 403 "bot was blocked", 400 with {@code migrate_to_chat_id}),
 * Slack incoming webhook ({@code ok} / 400 {@code invalid_payload}), PagerDuty Events API v2 ({@code POST /v2/enqueue},
 * 202 {@code {status: success, dedup_key}}, 400 {@code invalid event}), a signed webhook receiver, and a GreenMail SMTP
 * server that requires authentication.
 */
public class ChannelFakesResource implements QuarkusTestResourceLifecycleManager {
    public static final String TG_PATH = "/bot" + ChannelFakes.TELEGRAM_TOKEN + "/sendMessage";
    public static final String MIGRATED_CHAT = "-1001234567890";

    private WireMockServer http;
    private GreenMail smtp;

    @Override
    public Map<String, String> start() {
        http = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        http.start();
        stubTelegram(http);
        stubSlack(http);
        stubPagerDuty(http);
        http.stubFor(post(urlEqualTo("/hook")).willReturn(aResponse().withStatus(204)));

        // implicit TLS (SMTPS) with authentication, as a hosted relay on port 465 would want it
        // GreenMail's default 2 s start-up wait is too short for a loaded 2-core CI machine (TLS set-up)
        ServerSetup smtps = new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTPS).dynamicPort();
        smtps.setServerStartupTimeout(30_000);
        smtp = new GreenMail(smtps)
                .withConfiguration(GreenMailConfiguration.aConfig().withUser("baton", "smtp-password-123"));
        smtp.start();
        return Map.of(
                "baton.test.fake-url", "http://127.0.0.1:" + http.port(),
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", Integer.toString(smtp.getSmtps().getPort()),
                "quarkus.mailer.username", "baton",
                "quarkus.mailer.password", "smtp-password-123",
                "quarkus.mailer.tls", "true",
                // GreenMail's certificate is self-signed; production keeps verification on
                "quarkus.mailer.trust-all", "true");
    }

    static void stubTelegram(WireMockServer w) {
        // A wrong token is 401, as the Bot API answers.
        w.stubFor(post(urlPathMatching("/bot.*/sendMessage")).atPriority(10).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":false,\"error_code\":401,\"description\":\"Unauthorized\"}")));
        w.stubFor(post(urlEqualTo(TG_PATH)).atPriority(5)
                .withRequestBody(matchingJsonPath("$.parse_mode", equalTo("HTML")))
                .withRequestBody(matchingJsonPath("$.text"))
                .willReturn(ok("{\"ok\":true,\"result\":{\"message_id\":1,\"chat\":{\"id\":1,\"type\":\"group\"},\"date\":1700000000}}")));
        // chat 101: rate limited once, then fine
        w.stubFor(post(urlEqualTo(TG_PATH)).atPriority(1).inScenario("flaky").whenScenarioStateIs(Scenario.STARTED)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("101")))
                .willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json").withHeader("Retry-After", "1")
                        .withBody("{\"ok\":false,\"error_code\":429,\"description\":\"Too Many Requests: retry after 1\",\"parameters\":{\"retry_after\":1}}"))
                .willSetStateTo("limited-once"));
        // chat 102: the user blocked the bot
        w.stubFor(post(urlEqualTo(TG_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("102")))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":403,\"description\":\"Forbidden: bot was blocked by the user\"}")));
        // chat 103: upgraded to a supergroup
        w.stubFor(post(urlEqualTo(TG_PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo("103")))
                .willReturn(aResponse().withStatus(400).withHeader("Content-Type", "application/json")
                        .withBody("{\"ok\":false,\"error_code\":400,\"description\":\"Bad Request: group chat was upgraded to a supergroup chat\","
                                + "\"parameters\":{\"migrate_to_chat_id\":" + MIGRATED_CHAT + "}}")));
    }

    static void stubSlack(WireMockServer w) {
        w.stubFor(post(urlEqualTo(ChannelFakes.SLACK_PATH)).atPriority(10).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "text/html").withBody("invalid_payload")));
        w.stubFor(post(urlEqualTo(ChannelFakes.SLACK_PATH)).atPriority(1)
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(matchingJsonPath("$.text"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html").withBody("ok")));
        // a Slack workspace having an outage
        w.stubFor(post(urlEqualTo("/services/DOWN/DOWN/DOWN")).willReturn(aResponse().withStatus(503)
                .withHeader("Content-Type", "text/html").withBody("service unavailable")));
    }

    static void stubPagerDuty(WireMockServer w) {
        w.stubFor(post(urlEqualTo("/v2/enqueue")).atPriority(10).willReturn(aResponse().withStatus(400)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"status\":\"invalid event\",\"message\":\"Event object is invalid\",\"errors\":[\"'routing_key' is invalid\"]}")));
        String accepted = "{\"status\":\"success\",\"message\":\"Event processed\",\"dedup_key\":\"{{jsonPath request.body '$.dedup_key'}}\"}";
        w.stubFor(post(urlEqualTo("/v2/enqueue")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.routing_key", equalTo(ChannelFakes.PAGERDUTY_KEY)))
                .withRequestBody(matchingJsonPath("$.event_action", equalTo("trigger")))
                .withRequestBody(matchingJsonPath("$.dedup_key"))
                .withRequestBody(matchingJsonPath("$.payload.summary"))
                .withRequestBody(matchingJsonPath("$.payload.source"))
                .withRequestBody(matchingJsonPath("$.payload.severity", matching("critical|error|warning|info")))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody(accepted).withTransformers("response-template")));
        w.stubFor(post(urlEqualTo("/v2/enqueue")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.routing_key", equalTo(ChannelFakes.PAGERDUTY_KEY)))
                .withRequestBody(matchingJsonPath("$.event_action", matching("acknowledge|resolve")))
                .withRequestBody(matchingJsonPath("$.dedup_key"))
                .willReturn(aResponse().withStatus(202).withHeader("Content-Type", "application/json")
                        .withBody(accepted).withTransformers("response-template")));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(new ChannelFakes(http, smtp),
                new TestInjector.AnnotatedAndMatchesType(InjectChannelFakes.class, ChannelFakes.class));
    }

    @Override
    public void stop() {
        if (http != null) {
            http.stop();
        }
        if (smtp != null) {
            smtp.stop();
        }
    }
}
