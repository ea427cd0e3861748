package dev.baton.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StepRow;
import dev.baton.coordinator.store.ZooKeeperStore;
import dev.baton.coordinator.support.CuttableProxy;
import dev.baton.coordinator.support.World;
import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.test.InstanceSpec;
import org.apache.curator.test.TestingCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two packaged coordinators (standby's and witness's) deciding on a real three-server ZooKeeper ensemble
 * (Curator's TestingCluster, 127.0.0.1), against two SSH sites with emulated compose and faithful stand-ins for the
 * other services ({@link World}). The leader is SIGKILLed in each step of a failover and the other finishes it; one
 * ZooKeeper server is lost mid-failover without a change of leader; a leader cut off from the quorum (a TCP proxy
 * that drops everything) stops acting before the new leader's first command, as the sites' own record of commands
 * shows; without a quorum nothing starts and status says why.
 */
class ZooKeeperDeciderIT {
    private static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");
    private static final String TOKEN = "it-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Duration SESSION = Duration.ofSeconds(3);

    private static World world;
    private TestingCluster cluster;
    private CuratorFramework zk;
    private final List<Coordinator> coordinators = new ArrayList<>();
    private final List<CuttableProxy> proxies = new ArrayList<>();
    private String base;
    private static int scenarios;

    /** One coordinator process. */
    private final class Coordinator {
        final String id;
        final int port;
        final Path log;
        final Process process;

        Coordinator(String id, String connect) throws IOException {
            this.id = id;
            this.port = freePort();
            this.log = Files.createDirectories(Path.of("target", "decider-it")).resolve(base.substring(1) + "-" + id + ".log");
            Files.deleteIfExists(log);
            Map<String, String> props = new LinkedHashMap<>(world.config());
            props.put("quarkus.http.host", "127.0.0.1");
            props.put("quarkus.http.port", String.valueOf(port));
            props.put("baton.auth.tokens", TOKEN);
            props.put("baton.coordinator.observers.names", "obs-a,obs-b,obs-c");
            props.put("baton.coordinator.store", "zookeeper");
            props.put("baton.coordinator.zookeeper.connect", connect);
            props.put("baton.coordinator.zookeeper.session-timeout", SESSION.toSeconds() + "s");
            props.put("baton.coordinator.zookeeper.connection-timeout", "2s");
            props.put("baton.coordinator.zookeeper.base-path", base);
            props.put("baton.coordinator.leader.id", id);
            props.put("baton.coordinator.tick", "300ms");
            props.put("baton.coordinator.recording.directory", "target/recording-" + id);
            props.put("baton.coordinator.guard.interval", "1h");
            props.put("baton.coordinator.policy.maintenance-windows", "none");
            // no observers run here: the operator's failover does not wait for verdicts on the standby
            props.put("baton.coordinator.policy.require-standby-up", "false");
            props.put("baton.coordinator.fence.session-linger", "2s");
            props.put("baton.coordinator.fence.session-check.interval", "200ms");
            props.put("baton.coordinator.dns.zone", World.DNS_ZONE);
            props.put("baton.coordinator.dns.name", World.DNS_NAME);
            props.put("baton.coordinator.clients.state-sync.token", "sync-token-0123456789");
            props.put("baton.coordinator.clients.dns-manager.token", "dns-token-0123456789");
            props.put("baton.coordinator.clients.notifier.token", "notifier-token-0123456789");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx192m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
            props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
            cmd.addAll(List.of("-jar", JAR.toString()));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            coordinators.add(this);
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        Optional<JsonNode> detail() {
            return get(url() + "/api/v1/status/detail");
        }

        boolean leads() {
            return detail().map(d -> d.path("leader").asBoolean()).orElse(false);
        }

        void signal(String sig) throws IOException, InterruptedException {
            new ProcessBuilder("kill", "-" + sig, String.valueOf(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }

        String tail() throws IOException {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        }
    }

    @BeforeAll
    static void sites() throws IOException {
        assertThat(JAR).as("the packaged coordinator (mvn package)").exists();
        world = World.start();
    }

    @AfterAll
    static void closeWorld() throws IOException {
        world.close();
    }

    @BeforeEach
    void ensemble() throws Exception {
        world.reset();
        base = "/it-" + ++scenarios;
        cluster = new TestingCluster(dev.baton.coordinator.store.Ensemble.specs());
        cluster.start();
        zk = CuratorFrameworkFactory.newClient(cluster.getConnectString(), 5000, 3000, new RetryOneTime(200));
        zk.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Coordinator c : coordinators) {
            c.kill();
        }
        coordinators.clear();
        for (CuttableProxy p : proxies) {
            p.close();
        }
        proxies.clear();
        zk.close();
        cluster.close();
    }

    /** Starts two coordinators and returns them leader first. */
    private List<Coordinator> twoCoordinators(String leaderConnect) throws Exception {
        Coordinator first = new Coordinator("coordinator-standby", leaderConnect);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(first::leads);
        Coordinator second = new Coordinator("coordinator-witness", cluster.getConnectString());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> second.detail().isPresent());
        assertThat(second.leads()).isFalse();
        assertThat(second.detail().orElseThrow().path("currentLeader").asText()).isEqualTo("coordinator-standby");
        return List.of(first, second);
    }

    private String startFailover(Coordinator leader) {
        HttpResponse<String> r = post(leader.url() + "/api/v1/failover", "{\"reason\":\"decider drill\",\"dryRun\":false,\"force\":true}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return read(r.body()).path("operation").asText();
    }

    /** The operation with its journal, read straight from the ensemble (not through either coordinator). */
    private Optional<ZooKeeperStore.OperationNode> journal(String id) {
        try {
            for (String name : zk.getChildren().forPath(base + "/operations")) {
                if (name.endsWith(id)) {
                    return Optional.of(JSON.readValue(zk.getData().forPath(base + "/operations/" + name), ZooKeeperStore.OperationNode.class));
                }
            }
            return Optional.empty();
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private ZooKeeperStore.OperationNode awaitOutcome(String id, List<Coordinator> all) {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100))
                    .until(() -> journal(id).map(n -> n.op().status() != OperationRow.Status.RUNNING).orElse(false));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder logs = new StringBuilder();
            for (Coordinator c : all) {
                try {
                    logs.append("\n--- ").append(c.id).append(":\n").append(c.tail());
                } catch (IOException io) {
                    logs.append(io);
                }
            }
            throw new AssertionError("operation " + id + " did not finish: " + journal(id) + logs, e);
        }
        return journal(id).orElseThrow();
    }

    @Test
    void theLeaderKilledInEachStepIsReplacedAndTheFailoverFinishesWithoutRepeatingAFenceOrStartOnTheWrongSite() throws Exception {
        List<String> covered = new ArrayList<>();
        int steps = Integer.MAX_VALUE;
        for (int target = 0; target < steps; target++) {
            if (target > 0) {
                stop();
                ensemble();
            }
            List<Coordinator> pair = twoCoordinators(cluster.getConnectString());
            Coordinator leader = pair.get(0);
            Coordinator survivor = pair.get(1);
            long leaderTerm = leader.detail().orElseThrow().path("status").path("term").asLong();
            // the broker keeps the old session alive a little, so the fence step lasts long enough to be caught
            world.brokerSession(true, true, true, false);
            String id = startFailover(leader);

            // freeze the leader the moment the journal shows the target step running, look, then kill it
            final int step = target;
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(2)).until(() -> journal(id)
                    .map(n -> n.op().status() != OperationRow.Status.RUNNING || n.steps().get(step).status() != StepRow.Status.PENDING)
                    .orElse(false));
            leader.signal("STOP");
            ZooKeeperStore.OperationNode atKill = journal(id).orElseThrow();
            leader.kill();
            steps = atKill.steps().size();
            StepRow running = atKill.steps().stream().filter(s -> s.status() == StepRow.Status.RUNNING).findFirst().orElse(null);
            covered.add(running == null ? "(between steps after " + step + ")" : running.name());

            ZooKeeperStore.OperationNode done = awaitOutcome(id, pair);
            assertThat(done.op().status()).as("finished: %s", done).isEqualTo(OperationRow.Status.SUCCEEDED);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(survivor::leads);
            long survivorTerm = survivor.detail().orElseThrow().path("status").path("term").asLong();
            assertThat(survivorTerm).as("the new leader's term").isGreaterThan(leaderTerm);

            world.assertNeverTwoEngines();
            List<World.Sent> sent = world.sent();
            assertThat(sent).as("no start on the old site, no stop on the new one")
                    .noneMatch(s -> s.site().equals("primary") && s.command().contains(" up -d"))
                    .noneMatch(s -> s.site().equals("standby") && s.command().contains(" stop "));
            boolean fenced = atKill.steps().stream().anyMatch(s -> s.type().equals("fence") && s.status() == StepRow.Status.SUCCEEDED);
            boolean started = atKill.steps().stream().anyMatch(s -> s.type().equals("start") && s.status() == StepRow.Status.SUCCEEDED);
            long stops = sent.stream().filter(s -> s.site().equals("primary") && s.command().contains(" stop ")).count();
            long ups = sent.stream().filter(s -> s.site().equals("standby") && s.command().contains(" up -d")).count();
            if (fenced) {
                assertThat(stops).as("a completed fence is not repeated (killed in %s)", covered.get(covered.size() - 1)).isEqualTo(1);
            }
            if (started) {
                assertThat(ups).as("a completed start is not repeated (killed in %s)", covered.get(covered.size() - 1)).isEqualTo(1);
            }
            assertThat(sent).as("every site command after the kill carries the survivor's term")
                    .filteredOn(s -> s.term() != null && !s.term().equals(String.valueOf(leaderTerm)))
                    .allMatch(s -> s.term().equals(String.valueOf(survivorTerm)));
            assertThat(world.primaryCompose().running()).isEmpty();
            assertThat(world.standbyCompose().running()).containsExactlyInAnyOrderElementsOf(World.ENGINE);
        }
        System.out.println("ZooKeeperDeciderIT: leader killed in steps " + covered);
        assertThat(covered).as("each step of the failover was caught running at least once")
                .contains("fence", "final-sync", "start", "wait-healthy", "dns");
    }

    @Test
    void losingOneZooKeeperServerMidFailoverChangesNoLeader() throws Exception {
        List<Coordinator> pair = twoCoordinators(cluster.getConnectString());
        Coordinator leader = pair.get(0);
        world.brokerSession(true, true, true, true, true, false);
        String id = startFailover(leader);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> journal(id).map(n -> n.steps().get(1).status() == StepRow.Status.RUNNING).orElse(false));

        InstanceSpec lost = cluster.getInstances().iterator().next();
        cluster.killServer(lost);

        ZooKeeperStore.OperationNode done = awaitOutcome(id, pair);
        assertThat(done.op().status()).isEqualTo(OperationRow.Status.SUCCEEDED);
        assertThat(leader.leads()).as("still the leader").isTrue();
        assertThat(pair.get(1).leads()).isFalse();
        assertThat(world.sent()).as("one fence, one start").filteredOn(s -> s.command().contains(" stop ") || s.command().contains(" up -d"))
                .hasSize(2);
        world.assertNeverTwoEngines();
    }

    @Test
    void aLeaderCutOffFromTheQuorumStopsBeforeTheNewLeadersFirstCommand() throws Exception {
        StringBuilder viaProxies = new StringBuilder();
        for (InstanceSpec s : cluster.getInstances()) {
            CuttableProxy p = new CuttableProxy(new InetSocketAddress("127.0.0.1", s.getPort()));
            proxies.add(p);
            viaProxies.append(viaProxies.length() == 0 ? "" : ",").append(p.address());
        }
        List<Coordinator> pair = twoCoordinators(viaProxies.toString());
        Coordinator cutOff = pair.get(0);
        Coordinator successor = pair.get(1);
        String cutTerm = String.valueOf(cutOff.detail().orElseThrow().path("status").path("term").asLong());
        // the broker holds the old session for ~3 s: the cut lands while the fence step waits for its release
        world.brokerSession(true, true, true, true, true, true, true, true, true, true, true, true, true, true, false);
        String id = startFailover(cutOff);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(5))
                .until(() -> journal(id).map(n -> n.steps().get(1).status() == StepRow.Status.RUNNING).orElse(false));

        proxies.forEach(CuttableProxy::cut);

        ZooKeeperStore.OperationNode done = awaitOutcome(id, pair);
        assertThat(done.op().status()).isEqualTo(OperationRow.Status.SUCCEEDED);
        assertThat(successor.leads()).isTrue();
        String newTerm = String.valueOf(successor.detail().orElseThrow().path("status").path("term").asLong());
        assertThat(newTerm).isNotEqualTo(cutTerm);

        // the sites' record, in arrival order: once a command of the new term arrived, none of the old term follows
        List<World.Sent> sent = world.sent();
        int firstNew = -1;
        for (int i = 0; i < sent.size() && firstNew < 0; i++) {
            if (newTerm.equals(sent.get(i).term())) {
                firstNew = i;
            }
        }
        assertThat(firstNew).as("the new leader acted on the sites: %s", sent).isNotNegative();
        assertThat(sent.subList(firstNew, sent.size())).as("no command of the cut-off leader after the new leader's first: %s", sent)
                .noneMatch(s -> cutTerm.equals(s.term()));
        assertThat(sent).noneMatch(s -> s.site().equals("primary") && s.command().contains(" up -d"));
        world.assertNeverTwoEngines();

        // the cut-off instance says why it does not lead, and still answers reads
        JsonNode status = cutOff.detail().orElseThrow();
        assertThat(status.path("leader").asBoolean()).isFalse();
        assertThat(status.path("status").path("decider").path("quorum").asBoolean()).isFalse();
        assertThat(status.path("status").path("decider").path("detail").asText()).startsWith("no quorum: 3 of 3 servers reachable");
        HttpResponse<String> refused = post(cutOff.url() + "/api/v1/freeze", "{\"reason\":\"from a cut-off coordinator\"}");
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    }

    @Test
    void withoutAQuorumNoOperationStartsAndStatusSaysWhy() throws Exception {
        List<Coordinator> pair = twoCoordinators(cluster.getConnectString());
        List<InstanceSpec> servers = new ArrayList<>(cluster.getInstances());
        cluster.killServer(servers.get(0));
        cluster.killServer(servers.get(1));
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
                .until(() -> pair.stream().noneMatch(Coordinator::leads));

        for (Coordinator c : pair) {
            HttpResponse<String> r = post(c.url() + "/api/v1/failover", "{\"reason\":\"no quorum\",\"dryRun\":false,\"force\":true}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).contains("application/problem+json"));
            JsonNode status = read(get(c.url() + "/api/v1/status").map(JsonNode::toString).orElseThrow());
            assertThat(status.path("decider").path("quorum").asBoolean()).isFalse();
            assertThat(status.path("decider").path("detail").asText())
                    .isEqualTo("no quorum: 1 of 3 servers reachable (127.0.0.1:" + servers.get(2).getPort() + ")");
            assertThat(status.path("state").asText()).as("the last state read").isEqualTo("PRIMARY_ACTIVE");
        }
        assertThat(world.sent()).as("nothing sent to any site").isEmpty();
        assertThat(world.stateSync.epoch()).isZero();

        // the alert goes out through the notifier, which is reachable
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(world.fakes.getAllServeEvents())
                .anyMatch(e -> e.getRequest().getUrl().equals("/api/v1/alerts") && e.getRequest().getBodyAsString().contains("no quorum")
                        && e.getRequest().getBodyAsString().contains("CRITICAL")));
        for (Coordinator c : pair) {
            assertThat(Files.readString(c.log)).doesNotContain(TOKEN).doesNotContain("sync-token-0123456789")
                    .doesNotContain("cloud-token-0123456789").doesNotContain("broker-token-0123456789");
        }
    }

    private static Optional<JsonNode> get(String url) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                    .header("Accept", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? Optional.of(read(r.body())) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private static HttpResponse<String> post(String url, String body) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                    .header("Authorization", "Bearer " + TOKEN).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException | InterruptedException e) {
            throw new AssertionError("POST " + url + " failed", e);
        }
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
