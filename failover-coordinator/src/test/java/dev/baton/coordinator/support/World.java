package dev.baton.coordinator.support;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ServeEventListener;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.ComposeEmulator;
import dev.baton.common.testing.EmbeddedSshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Two sites as real SSH servers whose {@code docker compose} is emulated, and WireMock stand-ins for
 * state-sync, dns-manager, notifier and a cloud power-off API, all on 127.0.0.1. The stand-ins follow
 * DESIGN.md section 6: bearer auth on mutating calls (401 problem JSON without it), 202 from the notifier.
 */
public final class World implements AutoCloseable {
    public static final Set<String> SERVICES = Set.of("trading-engine", "ib-gateway");
    public static final Set<String> ENGINE = Set.of("trading-engine", "ib-gateway");
    public static final String PRIMARY_IP = "203.0.113.10";
    public static final String STANDBY_IP = "198.51.100.20";
    public static final String DNS_ZONE = "example.com";
    public static final String DNS_NAME = "trade.example.com";
    /** The sites' start-gate lease ({@code fence.site-lease}): an unreachable site is presumed fenced only this long after its fence began. */
    public static final java.time.Duration SITE_LEASE = java.time.Duration.ofSeconds(3);

    public final EmbeddedSshServer primary;
    public final EmbeddedSshServer standby;
    public final WireMockServer fakes;
    /** state-sync as the coordinator sees it: follows one active site at one epoch, refuses what the service refuses. */
    public final StandIns.StateSync stateSync = new StandIns.StateSync("sync-token-0123456789");
    /** dns-manager serving {@link #DNS_NAME} in {@link #DNS_ZONE}: compare-and-set switch, propagation by the record's value. */
    public final StandIns.Dns dns;
    private volatile ComposeEmulator primaryCompose;
    private volatile ComposeEmulator standbyCompose;
    /** The engine starts the test caused itself (a reboot's restart policy), not Baton: the only ones the oracle excuses. */
    private final java.util.Set<ComposeEmulator.Event> injected = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int primaryMark;
    private int standbyMark;

    private World() throws IOException {
        primaryCompose = new ComposeEmulator("primary", SERVICES);
        standbyCompose = new ComposeEmulator("standby", SERVICES);
        primary = EmbeddedSshServer.start(Files.createTempDirectory("baton-primary"), delegate(true));
        standby = EmbeddedSshServer.start(Files.createTempDirectory("baton-standby"), delegate(false));
        dns = new StandIns.Dns("dns-token-0123456789", DNS_ZONE, DNS_NAME);
        fakes = new WireMockServer(WireMockConfiguration.options().bindAddress("127.0.0.1").dynamicPort()
                .extensions(new PowerOff(), stateSync, dns));
        fakes.start();
    }

    public static World start() throws IOException {
        return new World();
    }

    /** The logout check each site runs after its engine was stopped ({@code sites.<name>.logout-check.command}). */
    public static final String LOGOUT_CHECK = "engine-logged-out";
    public static final String ACCOUNT = "U1234567";
    /** The tests' broker account-session API: GET answers whether {@link #ACCOUNT} has a live session. */
    public static final String SESSION_PATH = "/v1/accounts/" + ACCOUNT + "/session";
    private volatile boolean logoutConfirmed;

    /** A command as one of the sites received it, in the order both sites together received them. */
    public record Sent(String site, String command, String term) {
    }

    private final List<Sent> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** Every command either site received since the last reset, in arrival order, with the {@code BATON_TERM} it carried. */
    public List<Sent> sent() {
        return List.copyOf(sent);
    }

    private final Map<String, java.util.function.Function<CommandHandler.Request, CommandHandler.Reply>> commands =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** Until the next reset, {@code command} (exactly, on either site) is answered by {@code handler} instead of the compose emulator. */
    public void onCommand(String command, java.util.function.Function<CommandHandler.Request, CommandHandler.Reply> handler) {
        commands.put(command, handler);
    }

    private CommandHandler delegate(boolean isPrimary) {
        return request -> {
            sent.add(new Sent(isPrimary ? "primary" : "standby", request.command(), request.env().get("BATON_TERM")));
            java.util.function.Function<CommandHandler.Request, CommandHandler.Reply> own = commands.get(request.command().trim());
            if (own != null) {
                return own.apply(request);
            }
            if (request.command().trim().equals(LOGOUT_CHECK)) {
                return logoutConfirmed ? CommandHandler.Reply.ok("logged out\n") : CommandHandler.Reply.fail(1, "no logout seen\n");
            }
            return (isPrimary ? primaryCompose : standbyCompose).handle(request);
        };
    }

    /** Whether the sites' logout checks confirm a clean logout (false after {@link #reset}). */
    public void logoutConfirmed(boolean confirmed) {
        this.logoutConfirmed = confirmed;
    }

    /** Requests the logout check received on {@code site}'s SSH server since the last reset. */
    public List<CommandHandler.Request> logoutChecks(boolean primarySite) {
        return (primarySite ? primaryCommands() : standbyCommands()).stream().filter(r -> r.command().trim().equals(LOGOUT_CHECK)).toList();
    }

    /**
     * The broker's session API answers, in order, each of {@code answers} ({@code true} = a live session, {@code false}
     * = none, {@code null} = 503) and then keeps the last one. Each answer's serve time is in {@link #sessionAnswers}.
     */
    public void brokerSession(Boolean... answers) {
        String scenario = "broker-session";
        fakes.removeStubsByMetadata(matchingJsonPath("$.broker-session"));
        for (int i = 0; i < answers.length; i++) {
            var stub = get(urlPathEqualTo(SESSION_PATH)).inScenario(scenario)
                    .whenScenarioStateIs(i == 0 ? Scenario.STARTED : "answer-" + i)
                    .withHeader("Authorization", equalTo("Bearer broker-token-0123456789"))
                    .withMetadata(java.util.Map.of("broker-session", true))
                    .willReturn(answers[i] == null
                            ? json(503, "{\"error\":\"session service unavailable\"}")
                            : json(200, "{\"account\":\"" + ACCOUNT + "\",\"live\":" + answers[i] + "}"));
            if (i + 1 < answers.length) {
                stub = stub.willSetStateTo("answer-" + (i + 1));
            }
            fakes.stubFor(stub);
        }
        fakes.setScenarioState(scenario, Scenario.STARTED);
    }

    /** When the broker's session API answered, and whether it said the session was live (null: it answered 503). */
    public record SessionAnswer(Instant at, Boolean live) {
    }

    public List<SessionAnswer> sessionAnswers() {
        return fakes.getAllServeEvents().stream().filter(e -> e.getRequest().getUrl().startsWith(SESSION_PATH))
                .map(e -> new SessionAnswer(e.getRequest().getLoggedDate().toInstant(), e.getResponse().getStatus() != 200 ? null
                        : e.getResponse().getBodyAsString().contains("\"live\":true")))
                .sorted(java.util.Comparator.comparing(SessionAnswer::at)).toList();
    }

    public ComposeEmulator primaryCompose() {
        return primaryCompose;
    }

    public ComposeEmulator standbyCompose() {
        return standbyCompose;
    }

    /** Commands the primary's SSH server received since the last reset. */
    public List<CommandHandler.Request> primaryCommands() {
        List<CommandHandler.Request> all = primary.received();
        return all.subList(Math.min(primaryMark, all.size()), all.size());
    }

    /** Commands the standby's SSH server received since the last reset. */
    public List<CommandHandler.Request> standbyCommands() {
        List<CommandHandler.Request> all = standby.received();
        return all.subList(Math.min(standbyMark, all.size()), all.size());
    }

    /** Configuration the coordinator needs to reach all of this. */
    public Map<String, String> config() {
        Map<String, String> c = new LinkedHashMap<>();
        site(c, "primary", "primary", primary, PRIMARY_IP);
        site(c, "standby", "standby", standby, STANDBY_IP);
        c.put("baton.coordinator.sites.primary.fencing-endpoint.url", fakes.baseUrl() + "/v1/servers/42/actions/poweroff");
        c.put("baton.coordinator.sites.primary.fencing-endpoint.status-url", fakes.baseUrl() + "/v1/servers/42");
        c.put("baton.coordinator.sites.primary.fencing-endpoint.token", "cloud-token-0123456789");
        c.put("baton.coordinator.fence.session-check.url", fakes.baseUrl() + SESSION_PATH);
        c.put("baton.coordinator.fence.session-check.token", "broker-token-0123456789");
        c.put("baton.coordinator.fence.session-check.json-equals", "live == false");
        c.put("baton.coordinator.fence.session-check.interval", "200ms");
        c.put("baton.coordinator.fence.allow-wait", "true");
        c.put("baton.coordinator.fence.site-lease", SITE_LEASE.toMillis() + "ms");
        c.put("quarkus.rest-client.state-sync.url", fakes.baseUrl());
        c.put("quarkus.rest-client.dns-manager.url", fakes.baseUrl());
        c.put("quarkus.rest-client.notifier.url", fakes.baseUrl());
        return c;
    }

    private static void site(Map<String, String> c, String name, String role, EmbeddedSshServer s, String ip) {
        String p = "baton.coordinator.sites." + name + ".";
        c.put(p + "role", role);
        c.put(p + "host", s.host());
        c.put(p + "port", String.valueOf(s.port()));
        c.put(p + "user", s.user());
        c.put(p + "private-key", s.privateKey().toString());
        c.put(p + "known-hosts", s.knownHosts().toString());
        c.put(p + "root", s.root().toString());
        // the SFTP server is rooted in the site directory, so the epoch file is relative to it
        c.put(p + "epoch-file", ".baton/epoch");
        c.put(p + "engine-services", "trading-engine,ib-gateway");
        c.put(p + "dns-value", ip);
        c.put(p + "logout-check.command", LOGOUT_CHECK);
    }

    /** Primary running its engine, standby stopped, both SSH servers up, fakes answering as healthy services. */
    public synchronized void reset() throws IOException {
        if (!primary.isRunning()) {
            primary.restart();
        }
        if (!standby.isRunning()) {
            standby.restart();
        }
        primaryCompose = new ComposeEmulator("primary", SERVICES);
        standbyCompose = new ComposeEmulator("standby", SERVICES);
        commands.clear();
        SERVICES.forEach(primaryCompose::bringUp);
        // the database goes back to epoch 0, so do the sites: a site's epoch is never lowered by a coordinator
        for (EmbeddedSshServer site : List.of(primary, standby)) {
            Files.deleteIfExists(site.root().resolve(".baton/epoch"));
        }
        injected.clear();
        sent.clear();
        logoutConfirmed = false;
        primaryMark = primary.received().size();
        standbyMark = standby.received().size();
        fakes.resetAll();
        healthyFakes(Instant.now().minusSeconds(60));
    }

    public void healthyFakes(Instant lastSync) {
        stateSync.reset(lastSync);
        dns.reset(PRIMARY_IP);
        fakes.stubFor(any(urlPathMatching("/api/v1/(status|active|sync)")).atPriority(5)
                .willReturn(aResponse().withTransformers(StandIns.StateSync.NAME)));
        fakes.stubFor(any(urlPathMatching("/api/v1/(switch|propagation|records)")).atPriority(5)
                .willReturn(aResponse().withTransformers(StandIns.Dns.NAME)));
        authed("/api/v1/alerts", "notifier-token-0123456789", json(202, "{\"id\":\"a-1\",\"status\":\"accepted\"}"));
        // Hetzner-style power-off: POST action, then GET the server until status is "off"
        fakes.stubFor(post(urlPathEqualTo("/v1/servers/42/actions/poweroff")).withHeader("Authorization", equalTo("Bearer cloud-token-0123456789"))
                .withServeEventListener("power-off", Parameters.empty())
                .willReturn(json(201, "{\"action\":{\"id\":7,\"command\":\"poweroff\",\"status\":\"running\"}}")));
        fakes.stubFor(get(urlPathEqualTo("/v1/servers/42")).willReturn(json(200, "{\"server\":{\"id\":42,\"status\":\"running\"}}")));
        // the broker's session API: without the token 401; by default the account has no live session
        fakes.stubFor(get(urlPathEqualTo(SESSION_PATH)).atPriority(10).willReturn(json(401, "{\"error\":\"unauthorized\"}")));
        brokerSession(false);
    }

    private void authed(String path, String token, com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder ok) {
        fakes.stubFor(post(urlPathEqualTo(path)).atPriority(10).willReturn(json(401,
                "{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"missing bearer token\"}")
                .withHeader("Content-Type", "application/problem+json")));
        fakes.stubFor(post(urlPathEqualTo(path)).atPriority(1).withHeader("Authorization", equalTo("Bearer " + token)).willReturn(ok));
    }

    public static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    /** The primary's engine comes back on its own (compose restart policy after a reboot). */
    public synchronized void primaryEngineRestartsByItself() {
        SERVICES.forEach(s -> primaryCompose.bringUp(s).ifPresent(injected::add));
    }

    /**
     * Invariant 1 from the emulators' timelines: at no instant did both sites run an engine service, except for
     * the very starts the test itself injected (a restart policy), matched by event, which Baton must have ended.
     * Any other start during an overlap, even one after an injected start, is a violation.
     */
    public void assertNeverTwoEngines() {
        List<ComposeEmulator.Event> all = new ArrayList<>();
        Map<ComposeEmulator.Event, String> siteOf = new LinkedHashMap<>();
        primaryCompose.events().forEach(e -> {
            all.add(e);
            siteOf.put(e, "primary");
        });
        standbyCompose.events().forEach(e -> {
            all.add(e);
            siteOf.put(e, "standby");
        });
        all.sort(java.util.Comparator.comparing(ComposeEmulator.Event::at));
        Map<String, java.util.Set<String>> running = new LinkedHashMap<>();
        running.put("primary", new java.util.HashSet<>());
        running.put("standby", new java.util.HashSet<>());
        for (ComposeEmulator.Event e : all) {
            String site = siteOf.get(e);
            if (!ENGINE.contains(e.service())) {
                continue;
            }
            if (e.running()) {
                running.get(site).add(e.service());
            } else {
                running.get(site).remove(e.service());
            }
            boolean both = !running.get("primary").isEmpty() && !running.get("standby").isEmpty();
            boolean byTest = e.running() && injected.contains(e);
            if (both && !byTest && e.running()) {
                throw new AssertionError(site + " started " + e.service() + " at " + e.at() + " while the other site ran "
                        + running.get(site.equals("primary") ? "standby" : "primary") + "\nprimary: " + primaryCompose.events()
                        + "\nstandby: " + standbyCompose.events());
            }
        }
        assertThat(running.get("primary").isEmpty() || running.get("standby").isEmpty())
                .as("both sites still run an engine at the end: primary %s, standby %s", running.get("primary"), running.get("standby"))
                .isTrue();
    }

    @Override
    public void close() throws IOException {
        fakes.stop();
        primary.close();
        standby.close();
    }

    /** Powering the primary off through the cloud API stops its engine, as a real power-off would. */
    private final class PowerOff implements ServeEventListener {
        @Override
        public String getName() {
            return "power-off";
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public void beforeResponseSent(ServeEvent serveEvent, Parameters parameters) {
            primaryCompose.handle(new CommandHandler.Request("docker compose stop", Map.of(), primary.root()));
            fakes.stubFor(get(urlPathEqualTo("/v1/servers/42")).willReturn(json(200, "{\"server\":{\"id\":42,\"status\":\"off\"}}")));
        }
    }
}
