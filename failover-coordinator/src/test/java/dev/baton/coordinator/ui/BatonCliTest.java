package dev.baton.coordinator.ui;

import static dev.baton.coordinator.support.CoordinatorTestSupport.verdicts;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.common.testing.RequiredTool;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.RunbookExecutor;
import dev.baton.coordinator.support.CoordinatorTestSupport;
import dev.baton.coordinator.support.InjectWorld;
import dev.baton.coordinator.support.World;
import dev.baton.coordinator.support.WorldResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/baton} run as a process, with nothing but its environment, against a running coordinator
 * (PostgreSQL, SSH sites, WireMock services): what it prints and the exit codes scripts rely on.
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class BatonCliTest {
    private static final Path SCRIPT = Path.of("..", "bin", "baton").toAbsolutePath().normalize();

    @InjectWorld
    World world;

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Inject
    RunbookExecutor executor;

    @Inject
    VerdictBook verdictBook;

    @TestHTTPResource("/")
    URL coordinator;

    Path home;

    record Run(int exit, String out, String err) {
    }

    @BeforeEach
    void reset() throws Exception {
        RequiredTool.require(onPath("curl"), "curl, which bin/baton uses (apt-get install curl)");
        CoordinatorTestSupport.reset(world, pg, executor, verdictBook);
        home = Files.createTempDirectory("baton-cli-home");
    }

    @AfterEach
    void neverTwoEngines() {
        world.assertNeverTwoEngines();
    }

    private static boolean onPath(String tool) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":"))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, tool)));
    }

    /** Runs the script with a clean environment: only PATH, HOME (an empty temporary directory) and {@code env}. */
    private Run baton(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("sh", SCRIPT.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        pb.environment().put("HOME", home.toString());
        pb.environment().putAll(env);
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("baton " + String.join(" ", args) + " did not finish");
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    private Map<String, String> withUrl() {
        return Map.of("BATON_URL", coordinator.toString());
    }

    private Map<String, String> withUrlAndToken() {
        return Map.of("BATON_URL", coordinator.toString(), "BATON_TOKEN", CoordinatorTestSupport.TOKEN);
    }

    @Test
    void statusPrintsAReadableTableAndJsonForScripts() throws Exception {
        verdicts(HealthStatus.UP, HealthStatus.DOWN);
        PageFixtures.report("obs-b", Map.of(
                "primary", List.of(PageFixtures.check("engine-http", "http", HealthStatus.UP, 12, null)),
                "standby", List.of(PageFixtures.check("engine-http", "http", HealthStatus.DOWN, 2, "connection refused"))));

        Run status = baton(withUrl(), "status");
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("STATE     PRIMARY_ACTIVE", "ACTIVE    primary", "EPOCH     0", "FROZEN    no")
                .containsPattern("DECIDER   postgres, leader \\S+, term \\d+")
                .containsPattern("obs-a\\s+\\d+ s ago\\s+primary=UP \\(2 min \\d\\d s\\)  standby=DOWN")
                // each check's latency per observer (obs-a and obs-c report no checks), and the switched record
                .containsPattern("CHECK \\(primary\\)\\s+obs-a\\s+obs-b\\s+obs-c\\s*\\nengine-http\\s+-\\s+UP 12 ms\\s+-")
                .contains("DNS       trade.example.com A -> ");

        Run json = baton(withUrl(), "status", "--json");
        assertThat(json.exit()).isZero();
        assertThat(json.out()).contains("\"state\":\"PRIMARY_ACTIVE\"", "\"epoch\":0");

        Run history = baton(withUrl(), "history", "--limit", "5");
        assertThat(history.exit()).isZero();
        assertThat(history.out()).startsWith("AT (UTC)");
    }

    @Test
    void exportWritesTheRecordingAndLabelAppendsGroundTruthThatReplayReads() throws Exception {
        // (the reset before each test posted verdicts too, possibly within this millisecond: the export may hold them)
        String from = java.time.Instant.now().toString();
        verdicts(HealthStatus.UP, HealthStatus.UP);

        Run unauthorized = baton(withUrl(), "export", "--from", from);
        assertThat(unauthorized.exit()).isEqualTo(4);
        Run export = baton(withUrlAndToken(), "export", "--from", from);
        assertThat(export.exit()).as(export.err()).isZero();
        Path recording = home.resolve("recording.jsonl");
        Files.writeString(recording, export.out());
        Run label = baton(Map.of(), "label", recording.toString(), "--site", "primary", "--from", "2026-12-06T10:00:00Z", "--to",
                "2026-12-06T10:05:00Z", "--due", "--note", "kill(engine) \"drill\"");
        assertThat(label.exit()).as(label.err()).isZero();

        List<String> lines = Files.readAllLines(recording);
        assertThat(lines.get(0)).contains("\"schema\":\"baton-verdicts\"");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("{\"t\":\"l\",\"from\":1796551200000,\"to\":1796551500000,\"site\":\"primary\","
                + "\"due\":true,\"note\":\"kill(engine) \\\"drill\\\"\"}");
        dev.baton.coordinator.replay.Replayer.Report replayed = dev.baton.coordinator.replay.Replayer.replay(Files.newBufferedReader(recording),
                List.of(Map.of()), java.time.Duration.ofSeconds(30));
        assertThat(replayed.totals().verdicts()).isGreaterThanOrEqualTo(3)
                .isEqualTo(lines.stream().filter(l -> l.startsWith("{\"t\":\"v\"")).count());
        assertThat(replayed.totals().labels()).isEqualTo(1);
        assertThat(baton(Map.of(), "label", recording.toString(), "--site", "primary").exit()).isEqualTo(2);
    }

    @Test
    void aWrongOrMissingTokenExitsFourAndChangesNothing() throws Exception {
        Run wrong = baton(Map.of("BATON_URL", coordinator.toString(), "BATON_TOKEN", "not-the-token"), "freeze", "--reason", "x");
        assertThat(wrong.exit()).isEqualTo(4);
        assertThat(wrong.err()).contains("rejected the token").doesNotContain("not-the-token");

        Run missing = baton(withUrl(), "unfreeze");
        assertThat(missing.exit()).isEqualTo(4);
        assertThat(missing.err()).contains("needs a token");
        given().get("/api/v1/status").then().body("frozen", equalTo(false));
    }

    @Test
    void freezeAndUnfreezeRoundTripWithUrlAndTokenFromTheConfigFile() throws Exception {
        Path config = home.resolve(".config/baton/config");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "# written by the test\nBATON_URL=" + coordinator + "\nBATON_TOKEN=" + CoordinatorTestSupport.TOKEN + "\n");
        String until = Instant.now().plus(2, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();

        Run freeze = baton(Map.of(), "freeze", "--until", until, "--reason", "broker \"maintenance\" tonight");
        assertThat(freeze.exit()).as(freeze.err()).isZero();
        assertThat(freeze.out()).contains("frozen until " + until);
        given().get("/api/v1/status").then().body("frozen", equalTo(true)).body("frozenReason", equalTo("broker \"maintenance\" tonight"));
        assertThat(baton(Map.of(), "status").out()).contains("FROZEN    yes until", "broker \"maintenance\" tonight");

        Run unfreeze = baton(Map.of(), "unfreeze");
        assertThat(unfreeze.exit()).isZero();
        given().get("/api/v1/status").then().body("frozen", equalTo(false));
        assertThat(baton(Map.of(), "status").out()).contains("FROZEN    no");
    }

    @Test
    void aRefusedDryRunExitsOneAndARealFailoverIsWatchedToItsEnd() throws Exception {
        verdicts(HealthStatus.DOWN, HealthStatus.DOWN);
        Run refused = baton(withUrlAndToken(), "failover", "--reason", "drill", "--dry-run");
        assertThat(refused.exit()).as(refused.out() + refused.err()).isEqualTo(1);
        assertThat(refused.out()).contains("WOULD BE REFUSED");

        verdicts(HealthStatus.DOWN, HealthStatus.UP);
        Run started = baton(withUrlAndToken(), "failover", "--reason", "primary broker link is dead", "--force");
        assertThat(started.exit()).as(started.err()).isZero();
        String op = started.out().replaceAll("(?s).*started operation ([0-9a-f-]{36}).*", "$1");
        assertThat(op).hasSize(36);

        Run watch = baton(withUrl(), "watch", op, "--interval", "1");
        assertThat(watch.exit()).as(watch.err()).isZero();
        assertThat(watch.out()).contains("FAILOVER primary -> standby", "SUCCEEDED", "fence");
        given().get("/api/v1/status").then().body("activeSite", equalTo("standby"));
    }

    @Test
    void anUnreachableCoordinatorExitsThreeAndBadUsageExitsTwo() throws Exception {
        Run down = baton(Map.of("BATON_URL", "http://127.0.0.1:1"), "status");
        assertThat(down.exit()).isEqualTo(3);
        assertThat(down.err()).contains("cannot reach the coordinator at http://127.0.0.1:1");

        assertThat(baton(withUrlAndToken(), "failover").exit()).isEqualTo(2);
        assertThat(baton(withUrl(), "frobnicate").exit()).isEqualTo(2);
        assertThat(baton(withUrl(), "--help").err()).contains("usage: baton");
    }
}
