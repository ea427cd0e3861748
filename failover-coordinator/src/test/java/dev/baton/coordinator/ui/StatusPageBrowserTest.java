package dev.baton.coordinator.ui;

import static dev.baton.coordinator.support.CoordinatorTestSupport.awaitEnd;
import static dev.baton.coordinator.support.CoordinatorTestSupport.post;
import static dev.baton.coordinator.ui.PageFixtures.check;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.testing.InjectPostgres;
import dev.baton.common.testing.RequiredTool;
import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.FreezeRequest;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.Coordinator;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The status page in a real browser: headless Chromium loads it from a running coordinator (PostgreSQL, two SSH
 * sites, WireMock services), shows what an operator reads, then a freeze and a whole failover arrive on the open
 * page over server-sent events, without a reload. Leaves screenshots (desktop and phone width) in
 * {@code target/screenshots}, or where {@code -Dbaton.screenshots=} says ({@code ../docs/images} refreshes the docs').
 * Without Chromium the test is skipped locally and fails when {@code CI=true} (CI installs it).
 */
@QuarkusTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(WorldResource.class)
class StatusPageBrowserTest {
    private static final Duration LIVE = Duration.ofSeconds(30);
    private static final Path SCREENSHOTS = Path.of(System.getProperty("baton.screenshots", "target/screenshots"));

    @InjectWorld
    World world;

    @InjectPostgres
    EmbeddedPostgresServer pg;

    @Inject
    Coordinator coordinator;

    @Inject
    RunbookExecutor executor;

    @Inject
    VerdictBook verdictBook;

    @Inject
    DnsStatus dnsStatus;

    @TestHTTPResource("/")
    URL page;

    /** Checked before each test, not in a {@code @BeforeAll}: that would boot Quarkus on a path where MINA's provider lookup fails. */
    private static void chromiumInstalled() {
        String missing = Chromium.missing();
        RequiredTool.require(missing == null, missing + " (apt-get install chromium chromium-driver), for the status page's browser test");
    }

    @BeforeEach
    void reset() throws Exception {
        chromiumInstalled();
        CoordinatorTestSupport.reset(world, pg, executor, verdictBook);
        dnsStatus.forget();
        // dns-manager's stand-in (World.dns) holds the primary's value until the failover's switch
    }

    @AfterEach
    void neverTwoEngines() {
        world.assertNeverTwoEngines();
    }

    @Test
    void anOperatorSeesTheStateThenWatchesAFreezeAndAFailoverArriveWithoutReloading() throws Exception {
        observersReport(HealthStatus.UP);
        coordinator.evaluate();

        try (Chromium browser = Chromium.start(1200, 900, Path.of("target"))) {
            browser.open(page.toString());
            assertThat(browser.text("state")).isEqualTo("PRIMARY_ACTIVE");
            assertThat(browser.text("active-site")).isEqualTo("primary");
            assertThat(browser.text("epoch")).isEqualTo("0");
            assertThat(browser.text("observers")).contains("obs-a", "obs-b", "obs-c", "primary UP", "standby UP");
            assertThat(browser.text("checks")).contains("engine-http", "UP 12 ms", "UP 31 ms");
            assertThat(browser.text("decision")).contains("NONE", "active-down-by-quorum");
            // the page keeps a live stream: it says so once the first event has been drawn
            awaitText(browser, "live", t -> t.startsWith("live · as of"));
            // a reload would lose this
            browser.script("window.batonMark = 'same page'; return null;");

            post("/api/v1/freeze", new FreezeRequest("broker maintenance tonight", null)).statusCode(200);
            awaitText(browser, "flags", t -> t.contains("FROZEN: broker maintenance tonight"));
            given().auth().oauth2(CoordinatorTestSupport.TOKEN).delete("/api/v1/freeze").then().statusCode(200);
            awaitText(browser, "flags", t -> !t.contains("FROZEN"));
            awaitText(browser, "dns", t -> t.contains("203.0.113.10 (primary)") && t.contains("complete"));

            // "what if": without the token the replay is refused and the page says why; with it, the recorded
            // settings and the edited one side by side
            browser.script("var f = document.getElementById('whatif'); f.elements.confirmation.value = '1s'; f.elements.days.value = '1';"
                    + " f.requestSubmit(); return null;");
            awaitText(browser, "whatif-result", t -> t.contains("missing bearer token"));
            browser.script("var f = document.getElementById('whatif'); f.elements.token.value = '" + CoordinatorTestSupport.TOKEN + "';"
                    + " f.requestSubmit(); return null;");
            awaitText(browser, "whatif-result", t -> t.contains("as recorded") && t.contains("confirmation=1s") && t.contains("verdict reports"));

            // 03:00: the primary's engine stops answering; every observer sees it, the operator fails over
            observersReport(HealthStatus.DOWN);
            awaitText(browser, "observers", t -> t.contains("primary DOWN"));
            awaitText(browser, "checks", t -> t.contains("connection refused"));
            String op = post("/api/v1/failover", new FailoverRequest("primary engine not answering since 02:58", false, true))
                    .statusCode(202).extract().path("operation");
            assertThat(awaitEnd(op)).isEqualTo("SUCCEEDED");
            coordinator.evaluate();

            awaitText(browser, "state", "STANDBY_ACTIVE"::equals);
            awaitText(browser, "active-site", "standby"::equals);
            awaitText(browser, "epoch", "1"::equals);
            awaitText(browser, "recent", t -> t.contains("FAILOVER primary → standby") && t.contains("SUCCEEDED"));
            awaitText(browser, "dns", t -> t.contains("198.51.100.20 (standby)") && t.contains("active site's value")
                    && t.contains("2 of 2 authoritative nameservers answer 198.51.100.20"));
            assertThat(browser.script("return document.getElementById('head').className;").asText()).isEqualTo("tone-warn");
            assertThat(browser.script("return window.batonMark;").asText()).as("the page was not reloaded").isEqualTo("same page");

            screenshot(browser, 1100, "status-page.png");
            screenshot(browser, 390, "status-page-phone.png");
            // on a phone nothing runs off the side: wide tables scroll inside the page, the page itself does not
            assertThat(browser.script("return document.documentElement.scrollWidth <= window.innerWidth;").asBoolean())
                    .as("the page fits a 390 px wide screen").isTrue();
        }
    }

    /** The three observers' checks on both sites; with the primary DOWN its engine refuses connections. */
    private static void observersReport(HealthStatus primary) {
        Map<String, long[]> latencies = Map.of("obs-a", new long[] {12, 3, 4}, "obs-b", new long[] {31, 9, 8}, "obs-c", new long[] {118, 41, 37});
        latencies.forEach((observer, ms) -> {
            List<CheckResult> primaryChecks = List.of(
                    primary == HealthStatus.UP ? check("engine-http", "http", HealthStatus.UP, ms[0], null)
                            : check("engine-http", "http", HealthStatus.DOWN, 1, "connect to 203.0.113.10:8080: connection refused"),
                    check("postgres", "postgres", HealthStatus.UP, ms[1], null),
                    check("ib-gateway", "tcp", HealthStatus.UP, ms[2], null));
            List<CheckResult> standbyChecks = List.of(
                    check("postgres", "postgres", HealthStatus.UP, ms[1] + 2, null),
                    check("ib-gateway", "tcp", HealthStatus.UP, ms[2] + 1, null));
            PageFixtures.report(observer, Map.of("primary", primaryChecks, "standby", standbyChecks));
        });
    }

    private static void awaitText(Chromium browser, String id, Predicate<String> shown) {
        await().atMost(LIVE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                .until(() -> browser.text(id), t -> t != null && shown.test(t));
    }

    /** The whole page at this width: the window is made as tall as the page before the shot. */
    private static void screenshot(Chromium browser, int width, String name) throws IOException, InterruptedException {
        browser.resize(width, 900);
        // the window is taller than the page's viewport by whatever the browser keeps for itself
        JsonNode size = browser.script("return [document.documentElement.scrollHeight, window.outerHeight - window.innerHeight];");
        browser.resize(width, size.get(0).asInt() + size.get(1).asInt());
        Files.createDirectories(SCREENSHOTS);
        byte[] png = browser.screenshot();
        assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        Files.write(SCREENSHOTS.resolve(name), png);
    }
}
