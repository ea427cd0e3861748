package dev.baton.coordinator.ui;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import dev.baton.coordinator.support.CoordinatorTestSupport;
import dev.baton.coordinator.support.World;
import io.restassured.http.ContentType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the status page tests show: observers reporting per-check results as health-checker sends them, and
 * dns-manager's read API ({@code GET /api/v1/records}, {@code GET /api/v1/propagation} without {@code wait})
 * as WireMock stubs shaped like dns-manager's {@code RecordsView} and {@code PropagationReport}.
 */
final class PageFixtures {
    static final String ZONE = "example.com";
    static final String NAME = "trade.example.com";

    private PageFixtures() {
    }

    /** One check as an observer reports it; a DOWN check carries the error health-checker saw. */
    static CheckResult check(String name, String type, HealthStatus status, long latencyMs, String lastError) {
        return new CheckResult(name, type, "target of " + name, status, status == HealthStatus.DOWN ? 4 : 0,
                status == HealthStatus.UP ? 120 : 0, latencyMs, lastError, Instant.now().minusSeconds(2));
    }

    /** Posts {@code observer}'s report: each site's status (DOWN if any check is DOWN) with its checks, since two minutes ago. */
    static void report(String observer, Map<String, List<CheckResult>> checksBySite) {
        Instant since = Instant.now().minusSeconds(120);
        Map<String, SiteVerdict> sites = new TreeMap<>();
        checksBySite.forEach((site, checks) -> sites.put(site, new SiteVerdict(
                checks.stream().anyMatch(c -> c.status() == HealthStatus.DOWN) ? HealthStatus.DOWN : HealthStatus.UP, since, checks)));
        given().auth().oauth2(CoordinatorTestSupport.TOKEN).contentType(ContentType.JSON)
                .body(new VerdictReport(observer, Instant.now(), sites)).post("/api/v1/verdicts").then().statusCode(202);
    }

    /** dns-manager holds {@code value} for the switched record (and 404 problem JSON for any other name, as it does). */
    static void dnsRecord(WireMockServer fakes, String value) {
        fakes.stubFor(get(urlPathEqualTo("/api/v1/records")).atPriority(10).willReturn(World.json(404,
                "{\"type\":\"about:blank\",\"title\":\"Not Found\",\"status\":404,\"detail\":\"no configured zone serves that name\"}")
                .withHeader("Content-Type", "application/problem+json")));
        fakes.stubFor(records().willReturn(World.json(200, recordsBody(value))));
    }

    /**
     * Each authoritative nameserver (name and address) answers the value given; dns-manager's one-round report for
     * either site's value: complete when every nameserver answers the expected value with the AA flag.
     */
    static void dnsNameservers(WireMockServer fakes, Map<String, String> answerByNameserver) {
        for (String expected : List.of(World.PRIMARY_IP, World.STANDBY_IP)) {
            fakes.stubFor(propagation(expected).willReturn(World.json(200, propagationBody(expected, answerByNameserver))));
        }
    }

    private static MappingBuilder records() {
        return get(urlPathEqualTo("/api/v1/records")).atPriority(1).withQueryParam("zone", equalTo(ZONE))
                .withQueryParam("name", equalTo(NAME)).withQueryParam("type", equalTo("A"));
    }

    /** One round (no {@code wait}): what the status page asks. */
    private static MappingBuilder propagation(String expected) {
        return get(urlPathEqualTo("/api/v1/propagation")).atPriority(1).withQueryParam("name", equalTo(NAME))
                .withQueryParam("type", equalTo("A")).withQueryParam("expected", equalTo(expected)).withQueryParam("wait", absent());
    }

    /** dns-manager's {@code RecordsView}. */
    private static String recordsBody(String value) {
        return "{\"zone\":\"" + ZONE + "\",\"name\":\"" + NAME + "\",\"type\":\"A\",\"provider\":\"cloudflare\","
                + "\"records\":[{\"value\":\"" + value + "\",\"ttl\":60,\"proxied\":false,\"id\":\"372e67954025e0ba6aaa6d586b9e0b59\"}]}";
    }

    /** dns-manager's {@code PropagationReport}: {@code complete} when every authoritative nameserver matches. */
    private static String propagationBody(String expected, Map<String, String> answerByNameserver) {
        List<String> servers = new ArrayList<>();
        int i = 0;
        boolean complete = true;
        for (Map.Entry<String, String> ns : answerByNameserver.entrySet()) {
            boolean matches = ns.getValue().equals(expected);
            complete &= matches;
            servers.add("{\"server\":\"192.0.2." + (53 + i++) + ":53\",\"host\":\"" + ns.getKey() + "\",\"informational\":false,"
                    + "\"authoritative\":true,\"rcode\":\"NOERROR\",\"answers\":[\"" + ns.getValue() + "\"],\"ttl\":60,"
                    + "\"soaSerial\":2026113001,\"matches\":" + matches + ",\"error\":null}");
        }
        return "{\"name\":\"" + NAME + "\",\"type\":\"A\",\"expected\":\"" + expected + "\",\"zone\":\"" + ZONE + "\",\"complete\":"
                + complete + ",\"timedOut\":false,\"rounds\":1,\"elapsedMs\":14,\"checkedAt\":\"" + Instant.now()
                + "\",\"nameservers\":[" + String.join(",", servers) + "],\"resolversAgree\":true,\"resolvers\":[]}";
    }
}
