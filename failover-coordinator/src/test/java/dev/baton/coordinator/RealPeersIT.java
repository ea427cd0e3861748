package dev.baton.coordinator;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.baton.common.testing.EmbeddedPostgresResource;
import dev.baton.common.testing.KnotServers;
import dev.baton.common.testing.PackagedLog;
import dev.baton.common.testing.RequiredTool;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.support.World;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.http.ContentType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The packaged coordinator against the real state-sync and dns-manager jars (built earlier in the reactor), so that
 * the coordinator tests' stand-ins ({@code StandIns}) and the services cannot drift apart: state-sync replicates
 * between the two sites over SFTP, dns-manager switches the record on a real Knot primary (RFC 2136, TSIG) and checks
 * propagation at that primary and its secondary. Only the notifier, the cloud power-off API and the broker's session
 * API are fakes ({@link World}). A failover, then a failback whose DNS switch another writer has pre-empted.
 */
@QuarkusIntegrationTest
@WithTestResource(EmbeddedPostgresResource.class)
@WithTestResource(RealPeersIT.Peers.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@EnabledIf(value = "peersCanRun", disabledReason = "needs knotd and the state-sync and dns-manager jars (./mvnw verify builds them first); under CI=true it always runs")
class RealPeersIT {
    private static final String TOKEN = "it-token-0123456789abcdef";
    private static final String SYNC_TOKEN = "sync-token-0123456789";
    private static final String DNS_TOKEN = "dns-token-0123456789";
    private static final Path MODULES = Path.of("..").toAbsolutePath().normalize();

    /** Filled by {@link Peers#inject}. */
    static final class Running {
        World world;
        KnotServers knot;
        Process stateSync;
        Process dnsManager;
        String stateSyncUrl;
        String dnsManagerUrl;
        Path logs;
    }

    Running peers;

    /** Outside CI, skipped without knotd or the jars; under CI it runs and fails naming what is missing. */
    static boolean peersCanRun() {
        return System.getenv("CI") != null && !System.getenv("CI").isBlank() && !System.getenv("CI").equals("false")
                || KnotServers.available() && Files.isRegularFile(Peers.jar("state-sync")) && Files.isRegularFile(Peers.jar("dns-manager"));
    }

    /** The sites and fakes ({@link World}), a Knot primary and secondary, and the two services' jars, all on 127.0.0.1. */
    public static class Peers implements QuarkusTestResourceLifecycleManager {
        private final Running r = new Running();

        @Override
        public Map<String, String> start() {
            Path syncJar = jar("state-sync");
            Path dnsJar = jar("dns-manager");
            RequiredTool.require(Files.isRegularFile(syncJar) && Files.isRegularFile(dnsJar),
                    "the state-sync and dns-manager jars (" + syncJar + ", " + dnsJar + "; ./mvnw verify builds them before the coordinator)");
            RequiredTool.require(KnotServers.available(), "knotd (apt-get install knot)");
            try {
                r.world = World.start();
                r.world.reset();
                r.world.logoutConfirmed(true);
                r.knot = KnotServers.start(List.of(World.DNS_ZONE));
                r.knot.set(r.knot.primary(), World.DNS_ZONE, World.DNS_NAME, "A", World.PRIMARY_IP, 30);
                Files.createDirectories(r.world.primary.root().resolve("state"));
                Files.writeString(r.world.primary.root().resolve("state/positions.json"), "{\"ES\":{\"qty\":3}}\n");
                r.logs = Files.createTempDirectory("baton-real-peers");

                int syncPort = freePort();
                r.stateSyncUrl = "http://127.0.0.1:" + syncPort;
                Map<String, String> sync = new LinkedHashMap<>();
                sync.put("BATON_AUTH_TOKENS", SYNC_TOKEN);
                site(sync, "PRIMARY", r.world.primary);
                site(sync, "STANDBY", r.world.standby);
                sync.put("BATON_SYNC_PATHS", "state,.env");
                sync.put("BATON_SYNC_ACTIVE_SITE", "primary");
                sync.put("BATON_SYNC_ACTIVE_EPOCH", "0");
                sync.put("BATON_SYNC_CONTINUOUS_INTERVAL", "300ms");
                r.stateSync = launch("state-sync", syncJar, syncPort, sync, r.logs);

                int dnsPort = freePort();
                r.dnsManagerUrl = "http://127.0.0.1:" + dnsPort;
                String nameservers = KnotServers.hostPort(r.knot.primary()) + "," + KnotServers.hostPort(r.knot.secondary());
                Map<String, String> dns = new LinkedHashMap<>();
                dns.put("BATON_AUTH_TOKENS", DNS_TOKEN);
                dns.put("BATON_DNS_PROVIDERS_KNOT_TYPE", "rfc2136");
                dns.put("BATON_DNS_PROVIDERS_KNOT_ZONES", World.DNS_ZONE);
                dns.put("BATON_DNS_PROVIDERS_KNOT_SERVER", KnotServers.hostPort(r.knot.primary()));
                dns.put("BATON_DNS_PROVIDERS_KNOT_TSIG_KEY_NAME", KnotServers.KEY_NAME);
                dns.put("BATON_DNS_PROVIDERS_KNOT_TSIG_SECRET", r.knot.tsigSecret());
                dns.put("BATON_DNS_PROVIDERS_KNOT_NAMESERVERS", nameservers);
                // never a public resolver from a test: loopback only
                dns.put("BATON_DNS_PROPAGATION_RESOLVERS", KnotServers.hostPort(r.knot.primary()));
                dns.put("BATON_DNS_PROPAGATION_POLL_INTERVAL", "200ms");
                r.dnsManager = launch("dns-manager", dnsJar, dnsPort, dns, r.logs);

                awaitReady("state-sync", r.stateSync, r.stateSyncUrl, r.logs);
                awaitReady("dns-manager", r.dnsManager, r.dnsManagerUrl, r.logs);
            } catch (IOException e) {
                stop();
                throw new UncheckedIOException(e);
            } catch (RuntimeException | Error e) {
                stop();
                throw e;
            }

            Map<String, String> c = new LinkedHashMap<>(r.world.config());
            c.put("quarkus.http.host", "127.0.0.1");
            c.put("baton.auth.tokens", TOKEN);
            c.put("baton.coordinator.observers.names", "obs-a,obs-b,obs-c");
            c.put("baton.coordinator.policy.cooldown", "0s");
            // the operator starts both operations: with automatic failover on, the scheduler's tick (the packaged jar
            // runs it) would start its own failover on the DOWN verdicts and answer the operator's request with 409
            c.put("baton.coordinator.policy.automatic", "false");
            c.put("baton.coordinator.fence.session-linger", "2s");
            c.put("baton.coordinator.dns.zone", World.DNS_ZONE);
            c.put("baton.coordinator.dns.name", World.DNS_NAME);
            c.put("baton.coordinator.dns.ttl", "30");
            c.put("baton.coordinator.clients.state-sync.token", SYNC_TOKEN);
            c.put("baton.coordinator.clients.dns-manager.token", DNS_TOKEN);
            c.put("baton.coordinator.clients.notifier.token", "notifier-token-0123456789");
            c.put("quarkus.rest-client.state-sync.url", r.stateSyncUrl);
            c.put("quarkus.rest-client.dns-manager.url", r.dnsManagerUrl);
            return c;
        }

        private static Path jar(String module) {
            return MODULES.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        }

        private static void site(Map<String, String> env, String name, dev.baton.common.testing.EmbeddedSshServer s) {
            String p = "BATON_SYNC_SITES_" + name + "_";
            env.put(p + "HOST", s.host());
            env.put(p + "PORT", String.valueOf(s.port()));
            env.put(p + "USER", s.user());
            env.put(p + "PRIVATE_KEY", s.privateKey().toString());
            env.put(p + "KNOWN_HOSTS", s.knownHosts().toString());
            // the embedded servers serve SFTP rooted in the site's directory
            env.put(p + "ROOT", "/");
        }

        private static Process launch(String name, Path jar, int port, Map<String, String> env, Path logs) throws IOException {
            ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(logs.resolve(name + ".log").toFile());
            pb.environment().putAll(env);
            pb.environment().put("QUARKUS_HTTP_HOST", "127.0.0.1");
            pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
            pb.environment().put("BATON_COORDINATOR_RECORDING_DIRECTORY", "target/recording-real-peers");
            return pb.start();
        }

        private static void awaitReady(String name, Process p, String url, Path logs) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!p.isAlive()) {
                    throw new IllegalStateException(name + " exited: " + Files.readString(logs.resolve(name + ".log")));
                }
                try {
                    return http.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).timeout(Duration.ofSeconds(1)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
        }

        private static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        @Override
        public void inject(TestInjector injector) {
            injector.injectIntoFields(r, new TestInjector.MatchesType(Running.class));
        }

        @Override
        public void stop() {
            for (Process p : new Process[] {r.stateSync, r.dnsManager}) {
                if (p != null) {
                    p.destroy();
                    try {
                        if (!p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                            p.destroyForcibly();
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        p.destroyForcibly();
                    }
                }
            }
            if (r.knot != null) {
                r.knot.close();
            }
            if (r.world != null) {
                try {
                    r.world.close();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
    }

    /** Invariant 6, for the coordinator and the two services it drove. */
    @AfterEach
    void noConfiguredSecretInAnyLog() throws IOException {
        Map<String, String> secrets = Map.of("bearer token", TOKEN, "state-sync token", SYNC_TOKEN, "dns-manager token", DNS_TOKEN,
                "TSIG secret", peers.knot.tsigSecret(), "fencing endpoint token", "cloud-token-0123456789");
        PackagedLog.assertNoSecret(secrets);
        for (String service : List.of("state-sync", "dns-manager")) {
            String log = Files.readString(peers.logs.resolve(service + ".log"));
            secrets.forEach((label, value) -> assertThat(log).as(service + "'s log must not contain the " + label).doesNotContain(value));
        }
    }

    @Test
    @Order(1)
    void aFailoverThroughTheRealServicesReplicatesSwitchesAndPropagates() throws Exception {
        verdicts(HealthStatus.DOWN, HealthStatus.UP);
        // continuous replication has brought the standby's copy up to date before the operator asks
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.isRegularFile(peers.world.standby.root().resolve("state/positions.json")));
        Files.writeString(peers.world.primary.root().resolve("state/positions.json"), "{\"ES\":{\"qty\":5}}\n");

        String op = operation("/api/v1/failover", new FailoverRequest("primary datacenter down", false, false));

        given().get("/api/v1/operations/" + op).then().body("status", equalTo("SUCCEEDED"))
                .body("steps.find { it.type == 'sync' }.detail", containsString("RPO 0s"))
                .body("steps.find { it.type == 'dns' }.detail", containsString(World.PRIMARY_IP + " -> " + World.STANDBY_IP + ", propagated"));
        given().get("/api/v1/status").then().body("state", equalTo("STANDBY_ACTIVE")).body("epoch", equalTo(1));
        // the final sync carried the last write over
        assertThat(Files.readString(peers.world.standby.root().resolve("state/positions.json"))).contains("\"qty\":5");
        // state-sync now replicates from the standby at the new epoch; both nameservers answer the standby
        given().baseUri(peers.stateSyncUrl).get("/api/v1/active").then().statusCode(200)
                .body("site", equalTo("standby")).body("epoch", equalTo(1));
        assertThat(answer(peers.knot.primary())).isEqualTo(World.STANDBY_IP);
        assertThat(answer(peers.knot.secondary())).isEqualTo(World.STANDBY_IP);
        peers.world.assertNeverTwoEngines();
    }

    @Test
    @Order(2)
    void aFailbackWhoseRecordAnotherWriterChangedIsLeftToTheOperator() throws Exception {
        verdicts(HealthStatus.UP, HealthStatus.UP);
        peers.knot.set(peers.knot.primary(), World.DNS_ZONE, World.DNS_NAME, "A", "192.0.2.99", 30);

        String op = operation("/api/v1/failback", new FailbackRequest("primary repaired", false));

        given().get("/api/v1/operations/" + op).then().body("status", equalTo("NEEDS_OPERATOR"))
                .body("steps.find { it.type == 'dns' }.detail", containsString("dns-manager answered 409"))
                .body("steps.find { it.type == 'dns' }.detail", containsString("it is [192.0.2.99]"));
        given().get("/api/v1/status").then().body("state", equalTo("DEGRADED")).body("activeSite", equalTo("primary"))
                .body("epoch", equalTo(2));
        assertThat(answer(peers.knot.primary())).as("the other writer's value stands").isEqualTo("192.0.2.99");
        given().baseUri(peers.stateSyncUrl).get("/api/v1/active").then().body("site", equalTo("primary")).body("epoch", equalTo(2));
        peers.world.assertNeverTwoEngines();
    }

    private static String operation(String path, Object request) {
        String op = given().auth().oauth2(TOKEN).contentType(ContentType.JSON).body(request).post(path)
                .then().statusCode(202).extract().path("operation");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250)).until(() ->
                !"RUNNING".equals(given().get("/api/v1/operations/" + op).then().statusCode(200).extract().path("status")));
        return op;
    }

    private static void verdicts(HealthStatus primary, HealthStatus standby) {
        dev.baton.coordinator.support.CoordinatorTestSupport.verdicts(TOKEN, primary, standby);
    }

    /** What {@code server} answers for the record, asked directly (no recursion, no cache). */
    private static String answer(InetSocketAddress server) throws IOException {
        Lookup lookup = new Lookup(World.DNS_NAME + ".", Type.A);
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(Duration.ofSeconds(3));
        lookup.setResolver(resolver);
        lookup.setCache(null);
        Record[] records = lookup.run();
        List<String> values = new ArrayList<>();
        if (records != null) {
            for (Record rec : records) {
                values.add(((ARecord) rec).getAddress().getHostAddress());
            }
        }
        return String.join(",", values);
    }
}
