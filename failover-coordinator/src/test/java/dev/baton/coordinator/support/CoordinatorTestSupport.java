package dev.baton.coordinator.support;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.runbook.RunbookExecutor;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Shared moves of the integration tests: reset the world, post verdicts, call the API with the token. */
public final class CoordinatorTestSupport {
    public static final String TOKEN = "test-token-0123456789";

    private CoordinatorTestSupport() {
    }

    /** Waits for any operation to end, then puts database, sites, fakes and verdicts back to "primary active, epoch 0". */
    public static void reset(World world, EmbeddedPostgresServer pg, RunbookExecutor executor, VerdictBook verdicts) throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> !executor.isRunning());
        pg.execute("TRUNCATE operation_steps, operations, history, audit");
        pg.execute("UPDATE coordinator_state SET state = 'PRIMARY_ACTIVE', active_site = 'primary', epoch = 0, frozen = false, "
                + "frozen_reason = NULL, frozen_until = NULL, current_operation = NULL, last_failover = NULL, last_failback = NULL, "
                + "last_operation_end = NULL, remediated_at = NULL, last_decision = NULL");
        verdicts.clear();
        world.reset();
        // every observer sees both sites healthy, as in a quiet week
        verdicts(HealthStatus.UP, HealthStatus.UP);
    }

    /** Every observer reports {@code primary} and {@code standby} as given, since two minutes ago. */
    public static void verdicts(HealthStatus primary, HealthStatus standby) {
        verdicts(TOKEN, primary, standby);
    }

    /** As {@link #verdicts(HealthStatus, HealthStatus)}, posted with {@code token} (a packaged coordinator's own). */
    public static void verdicts(String token, HealthStatus primary, HealthStatus standby) {
        Instant since = Instant.now().minusSeconds(120);
        for (String observer : List.of("obs-a", "obs-b", "obs-c")) {
            VerdictReport report = new VerdictReport(observer, Instant.now(), Map.of(
                    "primary", new SiteVerdict(primary, since, List.of()),
                    "standby", new SiteVerdict(standby, since, List.of())));
            given().auth().oauth2(token).contentType(ContentType.JSON).body(report).post("/api/v1/verdicts").then().statusCode(202);
        }
    }

    public static ValidatableResponse post(String path, Object body) {
        return given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(body).post(path).then();
    }

    /** Waits until the operation's first step of {@code type} says {@code containing} (a running step reports its progress). */
    public static void awaitStepDetail(String operation, String type, String containing) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            String detail = given().get("/api/v1/operations/" + operation).then().statusCode(200).extract()
                    .path("steps.find { it.type == '" + type + "' }.detail");
            return detail != null && detail.contains(containing);
        });
    }

    /** An operation the coordinator accepted (202), once it has ended, as {@code GET /api/v1/operations/{id}} shows it. */
    public static io.restassured.path.json.JsonPath ended(ValidatableResponse accepted) {
        String op = accepted.statusCode(202).extract().path("operation");
        awaitEnd(op);
        return given().get("/api/v1/operations/" + op).then().extract().jsonPath();
    }

    /** Waits until the operation is no longer RUNNING and returns its final status. */
    public static String awaitEnd(String operation) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                !"RUNNING".equals(given().get("/api/v1/operations/" + operation).then().statusCode(200).extract().path("status")));
        return given().get("/api/v1/operations/" + operation).then().extract().path("status");
    }
}
