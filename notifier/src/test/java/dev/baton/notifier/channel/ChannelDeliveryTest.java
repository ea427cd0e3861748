package dev.baton.notifier.channel;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.notifier.testing.ChannelFakes;
import dev.baton.notifier.testing.ChannelFakesResource;
import dev.baton.notifier.testing.InjectChannelFakes;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Alerts posted to the API arrive at real fakes of each channel: Telegram (incl. 429 retry_after, 403 and a chat
 * migration), GreenMail SMTP, Slack, PagerDuty (trigger and resolve share a dedup_key), a signed webhook, and
 * fallback escalation — all through the durable outbox in embedded PostgreSQL.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(ChannelFakesResource.class)
class ChannelDeliveryTest {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final ObjectMapper JSON = new ObjectMapper();

    @InjectChannelFakes
    ChannelFakes fakes;

    static String post(String severity, String title, Map<String, String> labels, String dedupKey, boolean resolved) {
        return given().header("Authorization", "Bearer test-token-0123456789").contentType(ContentType.JSON)
                .body(Map.of("severity", severity, "title", title, "message", "line one\nline two", "dedupKey", dedupKey,
                        "source", "delivery-test", "labels", labels, "resolved", resolved))
                .post("/api/v1/alerts").then().statusCode(202).extract().path("disposition");
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    List<LoggedRequest> telegramTo(String chat, String marker) {
        return fakes.http().findAll(postRequestedFor(urlEqualTo(ChannelFakesResource.TG_PATH))
                .withRequestBody(matchingJsonPath("$.chat_id", equalTo(chat)))
                .withRequestBody(containing(marker)));
    }

    /** The deliveries of the alert whose title contains {@code marker}, as GET /api/v1/alerts shows them. */
    static List<Map<String, Object>> deliveriesOf(String marker) {
        List<Map<String, Object>> alerts = given().queryParam("limit", 500).get("/api/v1/alerts").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.title.contains('" + marker + "') }.deliveries.flatten()");
        return alerts;
    }

    @Test
    void telegramGetsEscapedHtml() {
        String marker = unique("tg");
        assertThat(post("CRITICAL", marker + " <engine> & gateway", Map.of("route", "tg"), marker, false)).isEqualTo("NOTIFY");
        await().atMost(WAIT).until(() -> !telegramTo("100", marker).isEmpty());
        String body = telegramTo("100", marker).get(0).getBodyAsString();
        assertThat(body).contains("\"parse_mode\":\"HTML\"").contains(marker + " &lt;engine&gt; &amp; gateway");
        await().atMost(WAIT).until(() -> "DELIVERED".equals(deliveriesOf(marker).get(0).get("state")));
    }

    @Test
    void telegramRateLimitHonoursRetryAfter() {
        String marker = unique("flaky");
        post("WARNING", marker, Map.of("route", "tg-flaky"), marker, false);
        await().atMost(WAIT).until(() -> telegramTo("101", marker).size() == 2);
        List<LoggedRequest> calls = telegramTo("101", marker);
        assertThat(calls.get(1).getLoggedDate().getTime() - calls.get(0).getLoggedDate().getTime())
                .as("waited retry_after=1s").isGreaterThanOrEqualTo(1000);
        await().atMost(WAIT).until(() -> "DELIVERED".equals(deliveriesOf(marker).get(0).get("state")));
        assertThat(deliveriesOf(marker).get(0).get("attempts")).isEqualTo(2);
    }

    @Test
    void aBlockedBotIsDeadLetteredWithTheReasonAndNoToken() {
        String marker = unique("blocked");
        post("CRITICAL", marker, Map.of("route", "tg-blocked"), marker, false);
        await().atMost(WAIT).until(() -> "DEAD".equals(deliveriesOf(marker).get(0).get("state")));
        assertThat(deliveriesOf(marker).get(0).get("lastError")).isEqualTo("telegram 403: Forbidden: bot was blocked by the user");
        assertThat(telegramTo("102", marker)).as("permanent: not retried").hasSize(1);
        String dead = given().queryParam("state", "dead").get("/api/v1/alerts").then().statusCode(200).extract().asString();
        assertThat(dead).contains(marker).doesNotContain(ChannelFakes.TELEGRAM_TOKEN).doesNotContain("TEST-SECRET");
    }

    @Test
    void aMigratedGroupChatIsFollowed() {
        String marker = unique("migrated");
        post("WARNING", marker, Map.of("route", "tg-migrated"), marker, false);
        await().atMost(WAIT).until(() -> !telegramTo(ChannelFakesResource.MIGRATED_CHAT, marker).isEmpty());
        await().atMost(WAIT).until(() -> "DELIVERED".equals(deliveriesOf(marker).get(0).get("state")));
    }

    @Test
    void emailArrivesOverSmtpWithSubjectAndBothBodies() throws Exception {
        String marker = unique("mail");
        post("CRITICAL", marker, Map.of("route", "mail", "site", "primary"), marker, false);
        await().atMost(WAIT).until(() -> Arrays.stream(fakes.smtp().getReceivedMessages()).anyMatch(m -> subject(m).contains(marker)));
        MimeMessage mail = Arrays.stream(fakes.smtp().getReceivedMessages()).filter(m -> subject(m).contains(marker)).findFirst().orElseThrow();
        assertThat(mail.getSubject()).isEqualTo("[Baton] CRITICAL: " + marker);
        assertThat(Arrays.stream(mail.getAllRecipients()).map(Object::toString)).contains("oncall@example.test", "desk@example.test");
        assertThat(mail.getFrom()[0].toString()).isEqualTo("baton@example.test");
        String all = flatten(mail.getContent());
        assertThat(all).contains("line one").contains("<h3>CRITICAL: " + marker + "</h3>").contains("site=primary");
    }

    @Test
    void slackGetsTheText() {
        String marker = unique("slack");
        post("WARNING", marker, Map.of("route", "slack"), marker, false);
        await().atMost(WAIT).until(() -> !fakes.http().findAll(postRequestedFor(urlEqualTo(ChannelFakes.SLACK_PATH))
                .withRequestBody(containing(marker))).isEmpty());
        await().atMost(WAIT).until(() -> "DELIVERED".equals(deliveriesOf(marker).get(0).get("state")));
    }

    @Test
    void pagerDutyResolveClosesTheIncidentItsTriggerOpened() throws Exception {
        String marker = unique("pd");
        post("CRITICAL", marker, Map.of("route", "pd"), marker, false);
        post("CRITICAL", marker, Map.of("route", "pd"), marker, true);
        await().atMost(WAIT).until(() -> pagerDuty(marker).size() == 2);
        List<JsonNode> events = pagerDuty(marker);
        JsonNode trigger = events.stream().filter(e -> e.path("event_action").asText().equals("trigger")).findFirst().orElseThrow();
        JsonNode resolve = events.stream().filter(e -> e.path("event_action").asText().equals("resolve")).findFirst().orElseThrow();
        assertThat(trigger.path("payload").path("severity").asText()).isEqualTo("critical");
        assertThat(trigger.path("payload").path("summary").asText()).isEqualTo("CRITICAL: " + marker);
        assertThat(resolve.path("dedup_key").asText()).isEqualTo(trigger.path("dedup_key").asText())
                .isEqualTo(PagerDutyChannel.dedupKey(marker));
        await().atMost(WAIT).until(() -> deliveriesOf(marker).stream().allMatch(d -> "DELIVERED".equals(d.get("state"))));
    }

    List<JsonNode> pagerDuty(String marker) throws Exception {
        String key = PagerDutyChannel.dedupKey(marker);
        List<JsonNode> out = new java.util.ArrayList<>();
        for (LoggedRequest r : fakes.http().findAll(postRequestedFor(urlEqualTo("/v2/enqueue")).withRequestBody(containing(key)))) {
            out.add(JSON.readTree(r.getBodyAsString()));
        }
        return out;
    }

    @Test
    void theWebhookIsSignedWithHmacSha256() {
        String marker = unique("hook");
        post("INFO", marker, Map.of("route", "hook"), marker, false);
        await().atMost(WAIT).until(() -> !fakes.http().findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(marker))).isEmpty());
        LoggedRequest r = fakes.http().findAll(postRequestedFor(urlEqualTo("/hook")).withRequestBody(containing(marker))).get(0);
        String expected = WebhookChannel.sign(ChannelFakes.WEBHOOK_SECRET.getBytes(StandardCharsets.UTF_8),
                r.getHeader(WebhookChannel.TIMESTAMP), r.getBodyAsString());
        assertThat(r.getHeader(WebhookChannel.SIGNATURE)).isEqualTo(expected).startsWith("sha256=");
        assertThat(WebhookChannel.sign("another-secret-0123".getBytes(StandardCharsets.UTF_8), r.getHeader(WebhookChannel.TIMESTAMP),
                r.getBodyAsString())).isNotEqualTo(expected);
    }

    @Test
    void aCriticalAlertEscalatesWhenItsChannelKeepsFailing() {
        String marker = unique("escalate");
        post("CRITICAL", marker, Map.of("route", "escalate"), marker, false);
        await().atMost(WAIT).until(() -> !telegramTo("105", marker).isEmpty());
        await().atMost(WAIT).until(() -> deliveriesOf(marker).stream()
                .anyMatch(d -> "tg-fallback".equals(d.get("channel")) && "DELIVERED".equals(d.get("state"))
                        && "slack-down".equals(d.get("escalatedFrom"))));
        assertThat(deliveriesOf(marker)).anySatisfy(d -> {
            assertThat(d.get("channel")).isEqualTo("slack-down");
            assertThat(d.get("state")).isEqualTo("PENDING");
            assertThat((String) d.get("lastError")).startsWith("slack 503");
        });
    }

    @Test
    void metricsCountNotificationsByChannelAndOutcomeWithoutSecrets() {
        String marker = unique("metrics");
        post("CRITICAL", marker, Map.of("route", "tg"), marker, false);
        await().atMost(WAIT).until(() -> !telegramTo("100", marker).isEmpty());
        await().atMost(WAIT).until(() -> given().get("/q/metrics").then().extract().asString()
                .contains("baton_notifier_notifications_total{channel=\"tg\",outcome=\"delivered\"}"));
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("baton_notifier_outbox_depth")
                .contains("baton_notifier_outbox_oldest_undelivered_seconds")
                .contains("baton_notifier_delivery_latency_seconds_count{channel=\"tg\"")
                .contains("baton_notifier_alerts_total{disposition=\"notify\"}")
                .doesNotContain(ChannelFakes.TELEGRAM_TOKEN)
                .doesNotContain(ChannelFakes.PAGERDUTY_KEY)
                .doesNotContain(ChannelFakes.WEBHOOK_SECRET);
    }

    static String subject(MimeMessage m) {
        try {
            return String.valueOf(m.getSubject());
        } catch (Exception e) {
            return "";
        }
    }

    static String flatten(Object content) throws Exception {
        if (content instanceof MimeMultipart mp) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < mp.getCount(); i++) {
                sb.append(flatten(mp.getBodyPart(i).getContent())).append('\n');
            }
            return sb.toString();
        }
        return String.valueOf(content);
    }
}
