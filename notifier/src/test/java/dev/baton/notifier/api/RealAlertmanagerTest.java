package dev.baton.notifier.api;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.RequiredTool;
import dev.baton.notifier.channel.TelegramText;
import dev.baton.notifier.testing.ChannelFakes;
import dev.baton.notifier.testing.ChannelFakesResource;
import dev.baton.notifier.testing.InjectChannelFakes;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Debian's {@code prometheus-alertmanager} in front of the notifier, configured as a user would: a webhook receiver
 * whose bearer token comes from {@code credentials_file}, {@code send_resolved: true}. A storm of 120 alerts in one
 * Alertmanager group fires and then resolves; on Telegram every one of them is seen firing and seen resolved, in
 * messages that each fit Telegram's limit.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(ChannelFakesResource.class)
class RealAlertmanagerTest {
    private static final Path ALERTMANAGER = Path.of("/usr/bin/prometheus-alertmanager");
    private static final int STORM = 120;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @InjectChannelFakes
    ChannelFakes fakes;

    @TestHTTPResource("/api/v1/alertmanager")
    URL receiver;

    @TempDir
    Path dir;

    private Process alertmanager;

    @AfterEach
    void stopAlertmanager() throws InterruptedException {
        if (alertmanager != null) {
            alertmanager.destroy();
            if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
                alertmanager.destroyForcibly();
            }
        }
    }

    @Test
    void aStormOf120AlertsIsSeenFiringAndResolvedOnTelegram() throws Exception {
        RequiredTool.require(Files.isExecutable(ALERTMANAGER), "Debian's prometheus-alertmanager (apt-get install prometheus-alertmanager)");
        String storm = "storm-" + UUID.randomUUID().toString().substring(0, 8);
        int port = start();

        post(port, alerts(storm, null));
        List<String> firing = awaitTelegram(storm, "WARNING: " + storm, STORM);

        post(port, alerts(storm, Instant.now().minusSeconds(1)));
        List<String> resolved = awaitTelegram(storm, "RESOLVED WARNING: " + storm, STORM);

        for (List<String> messages : List.of(firing, resolved)) {
            assertThat(messages).allSatisfy(m -> assertThat(m.length()).isLessThanOrEqualTo(TelegramText.LIMIT)
                    .as("no alert cut off").isPositive());
            assertThat(String.join("\n", messages)).doesNotContain("(truncated)");
        }
        for (int i = 0; i < STORM; i++) {
            String title = storm + " check " + i + " ";
            assertThat(String.join("\n", firing)).as("alert %d seen firing", i).contains("WARNING: " + title);
            assertThat(String.join("\n", resolved)).as("alert %d seen resolved", i).contains("RESOLVED WARNING: " + title);
        }
    }

    /** Alertmanager with one webhook receiver: the notifier, bearer token from a file, resolutions sent. */
    private int start() throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path token = Files.writeString(dir.resolve("notifier-token"), "test-token-0123456789\n");
        Path config = Files.writeString(dir.resolve("alertmanager.yml"), String.join("\n",
                "route:",
                "  receiver: baton",
                "  group_by: [alertname]",
                "  group_wait: 1s",
                "  group_interval: 1s",
                "  repeat_interval: 4h",
                "receivers:",
                "  - name: baton",
                "    webhook_configs:",
                "      - url: " + receiver,
                "        send_resolved: true",
                "        max_alerts: 0",
                "        http_config:",
                "          authorization:",
                "            type: Bearer",
                "            credentials_file: " + token,
                ""));
        alertmanager = new ProcessBuilder(ALERTMANAGER.toString(), "--config.file=" + config, "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port, "--cluster.listen-address=", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!alertmanager.isAlive()) {
                throw new IllegalStateException("alertmanager exited: " + Files.readString(dir.resolve("alertmanager.log")));
            }
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
        return port;
    }

    /** The storm as Prometheus would push it ({@code POST /api/v2/alerts}); {@code endsAt} in the past resolves. */
    private static String alerts(String storm, Instant endsAt) throws IOException {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < STORM; i++) {
            var a = JSON.createObjectNode();
            a.putObject("labels").put("alertname", storm).put("instance", "engine-" + i).put("severity", "warning")
                    .put("route", "tg").put("site", "primary");
            a.putObject("annotations").put("summary", storm + " check " + i + " on engine-" + i)
                    .put("description", "order latency p99 over 250 ms on engine-" + i);
            if (endsAt != null) {
                a.put("endsAt", endsAt.toString());
            }
            out.add(a);
        }
        return JSON.writeValueAsString(out);
    }

    private static void post(int port, String body) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v2/alerts"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    /** The texts Telegram received for this storm containing {@code marker}, once {@code count} alerts are in them. */
    private List<String> awaitTelegram(String storm, String marker, int count) {
        List<String> texts = new ArrayList<>();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            texts.clear();
            fakes.http().findAll(postRequestedFor(urlEqualTo(ChannelFakesResource.TG_PATH)).withRequestBody(containing(storm)))
                    .forEach(r -> texts.add(text(r.getBodyAsString())));
            return texts.stream().mapToLong(t -> t.split(java.util.regex.Pattern.quote(marker), -1).length - 1).sum() >= count;
        });
        return texts.stream().filter(t -> t.contains(marker)).toList();
    }

    private static String text(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            return n.path("text").asText();
        } catch (IOException e) {
            return "";
        }
    }
}
