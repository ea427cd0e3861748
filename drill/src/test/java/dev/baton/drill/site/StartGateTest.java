package dev.baton.drill.site;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.baton.common.wire.CoordinatorStatus;
import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.SiteLease;
import dev.baton.drill.Json;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The site's start gate ({@code deploy/site/baton-gate}) against a coordinator's read API serving the real
 * status record: it execs the engine only on the active site, refuses elsewhere, waits while Baton is starting
 * this site, and refuses (fail-safe) when the coordinator cannot be reached or is stale.
 */
class StartGateTest {
    private static final Path GATE = Path.of("..", "deploy", "site", "baton-gate").toAbsolutePath().normalize();
    private static final String OP = "7d0c5a3e-1f2b-4c7d-9e8f-0a1b2c3d4e5f";

    @TempDir
    Path dir;

    private HttpServer coordinator;
    private final AtomicReference<CoordinatorStatus> status = new AtomicReference<>();
    private final AtomicReference<String> operationTo = new AtomicReference<>("standby");
    private final List<String> statusAfterFirstAsk = new ArrayList<>();
    /** What {@code GET /api/v1/sites/{site}/lease} answers: a {@link SiteLease}, or anything else for 503 (no quorum). */
    private final AtomicReference<Object> lease = new AtomicReference<>();
    private final AtomicInteger leaseAsks = new AtomicInteger();
    /** Something that happens on the site between the gate's first and second ask. */
    private final AtomicReference<java.util.concurrent.Callable<?>> onFirstAsk = new AtomicReference<>();

    @BeforeEach
    void coordinator() throws IOException {
        coordinator = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        coordinator.createContext("/api/v1/status", ex -> {
            byte[] body = Json.MAPPER.writeValueAsBytes(status.get());
            synchronized (statusAfterFirstAsk) {
                if (!statusAfterFirstAsk.isEmpty()) {
                    // the coordinator records the started site between two asks
                    status.set(active(statusAfterFirstAsk.remove(0), 4, null));
                    java.util.concurrent.Callable<?> hook = onFirstAsk.getAndSet(null);
                    if (hook != null) {
                        try {
                            hook.call();
                        } catch (Exception e) {
                            throw new IOException(e);
                        }
                    }
                }
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        coordinator.createContext("/api/v1/operations/" + OP, ex -> {
            Map<String, Object> op = new LinkedHashMap<>();
            op.put("id", OP);
            op.put("kind", "FAILOVER");
            op.put("trigger", "automatic");
            op.put("from", operationTo.get().equals("standby") ? "primary" : "standby");
            op.put("to", operationTo.get());
            op.put("reason", "automatic: primary DOWN, to: nowhere, {\"to\":\"x\"}");
            op.put("status", "RUNNING");
            op.put("epoch", 4);
            op.put("steps", List.of(Map.of("index", 0, "name", "fence", "type", "fence", "status", "SUCCEEDED")));
            byte[] body = Json.MAPPER.writeValueAsBytes(op);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        coordinator.createContext("/api/v1/sites/", ex -> {
            Object answer = lease.get();
            byte[] body = answer instanceof SiteLease l ? Json.MAPPER.writeValueAsBytes(l)
                    : "{\"status\":503,\"title\":\"No quorum\"}".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", answer instanceof SiteLease ? "application/json" : "application/problem+json");
            ex.sendResponseHeaders(answer instanceof SiteLease ? 200 : 503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
            leaseAsks.incrementAndGet();
        });
        coordinator.start();
    }

    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : processes) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        coordinator.stop(0);
    }

    @Test
    void theActiveSiteStarts() throws Exception {
        status.set(active("primary", 3, null));
        Result r = gate("primary", url(), Map.of());
        assertThat(r.exit).isZero();
        assertThat(r.stdout).isEqualTo("engine started\n");
        assertThat(r.stderr).contains("allowed: primary is the active site at epoch 3");
    }

    @Test
    void aRecoveredOldPrimaryIsRefusedBeforeItsEngineRuns() throws Exception {
        status.set(active("standby", 4, null));
        Result r = gate("primary", url(), Map.of());
        assertThat(r.exit).isEqualTo(3);
        assertThat(r.stdout).isEmpty();
        assertThat(r.stderr).contains("REFUSED: standby is the active site at epoch 4, not primary");
    }

    @Test
    void duringAnOperationTheSiteBeingLeftIsRefused() throws Exception {
        status.set(active("primary", 4, OP));
        operationTo.set("standby");
        Result r = gate("primary", url(), Map.of());
        assertThat(r.exit).isEqualTo(3);
        assertThat(r.stderr).contains("is moving the engine to standby, away from primary");
    }

    @Test
    void theTargetWaitsUntilBatonHasRecordedItsStart() throws Exception {
        // compose up has returned but the coordinator still lists the old site; it records the new one next
        status.set(active("primary", 4, OP));
        operationTo.set("standby");
        statusAfterFirstAsk.add("standby");
        Result r = gate("standby", url(), Map.of());
        assertThat(r.exit).isZero();
        assertThat(r.stdout).isEqualTo("engine started\n");
        assertThat(r.stderr).contains("allowed: standby is the active site at epoch 4");
    }

    @Test
    void anUnreachableCoordinatorMeansNo() throws Exception {
        Result r = gate("primary", "http://127.0.0.1:" + deadPort(), Map.of("BATON_GATE_WAIT", "1"));
        assertThat(r.exit).isEqualTo(4);
        assertThat(r.stdout).isEmpty();
        assertThat(r.stderr).contains("REFUSED (cannot tell after 1s)").contains("unreachable");
    }

    @Test
    void aCoordinatorBehindTheEpochWrittenOnTheSiteIsNotBelieved() throws Exception {
        status.set(active("primary", 2, null));
        Path epoch = Files.writeString(dir.resolve("epoch"), "5\n");
        Result r = gate("primary", url(), Map.of("BATON_GATE_EPOCH_FILE", epoch.toString(), "BATON_GATE_WAIT", "1"));
        assertThat(r.exit).isEqualTo(4);
        assertThat(r.stderr).contains("is stale: epoch 2, this site was written epoch 5");
    }

    /**
     * The other order of events: the gate starts while an operation moves the engine here (epoch 4, "not yet");
     * meanwhile a newer coordinator writes epoch 6 on this site; then the old coordinator reports this site active
     * at epoch 4. The gate must not believe it (before, it read the site's epoch once, at its start).
     */
    @Test
    void anEpochWrittenOnTheSiteWhileTheGateWaitsIsHonoured() throws Exception {
        Path epoch = Files.writeString(dir.resolve("epoch"), "4\n");
        operationTo.set("primary");
        status.set(active("standby", 4, OP));
        synchronized (statusAfterFirstAsk) {
            statusAfterFirstAsk.add("primary");
        }
        onFirstAsk.set(() -> Files.writeString(epoch, "6\n"));

        Result r = gate("primary", url(), Map.of("BATON_GATE_EPOCH_FILE", epoch.toString(), "BATON_GATE_WAIT", "1"));

        assertThat(r.exit).isEqualTo(4);
        assertThat(r.stdout).as("the engine never started").isEmpty();
        assertThat(r.stderr).contains("is stale: epoch 4, this site was written epoch 6");
    }

    /** A deposed leader that still answers (its term is older than the one written on the site at that epoch). */
    @Test
    void atTheSiteEpochALowerLeadershipTermIsStale() throws Exception {
        Path epoch = Files.writeString(dir.resolve("epoch"), "4\n");
        Files.writeString(dir.resolve("epoch.term"), "7\n");
        status.set(active("standby", 4, 6, true, null));

        Result r = gate("standby", url(), Map.of("BATON_GATE_EPOCH_FILE", epoch.toString(), "BATON_GATE_WAIT", "1"));

        assertThat(r.exit).isEqualTo(4);
        assertThat(r.stdout).as("the engine never started").isEmpty();
        assertThat(r.stderr).contains("is stale: term 6 at epoch 4, this site was written term 7");

        status.set(active("standby", 4, 7, true, null));
        assertThat(gate("standby", url(), Map.of("BATON_GATE_EPOCH_FILE", epoch.toString())).exit).as("the current term is believed").isZero();
    }

    /** A coordinator cut off from its decision store answers from memory: the gate does not believe it. */
    @Test
    void aCoordinatorWithoutQuorumCannotAllowAStart() throws Exception {
        status.set(active("standby", 4, 3, false, null));

        Result r = gate("standby", url(), Map.of("BATON_GATE_WAIT", "1"));

        assertThat(r.exit).isEqualTo(4);
        assertThat(r.stdout).isEmpty();
        assertThat(r.stderr).contains("has no quorum for its decisions");
    }

    @Test
    void theNextCoordinatorIsAskedWhenTheFirstCannotAnswer() throws Exception {
        status.set(active("standby", 4, null));
        Result r = gate("standby", "http://127.0.0.1:" + deadPort() + "," + url(), Map.of());
        assertThat(r.exit).isZero();
    }

    @Test
    void anOverrideStartsWithoutAskingAndSaysSo() throws Exception {
        Result r = gate("primary", "http://127.0.0.1:" + deadPort(), Map.of("BATON_GATE_OVERRIDE", "first start at installation"));
        assertThat(r.exit).isZero();
        assertThat(r.stderr).contains("OVERRIDE on primary").contains("first start at installation");
    }

    @Test
    void withoutItsSiteNameItRefusesToGuess() throws Exception {
        status.set(active("primary", 3, null));
        Result r = gate("", url(), Map.of());
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr).contains("BATON_SITE is not set");
    }

    // ---- under a lease (BATON_GATE_LEASE): the gate stays, runs the engine as its child and renews

    @Test
    void underALeaseTheEngineRunsWhileGrantedAndTheGatePassesSigtermOn() throws Exception {
        status.set(active("primary", 3, null));
        lease.set(granted(3));
        Process gate = leased("primary", Map.of());
        awaitRenewals(5);
        assertThat(gate.isAlive()).as("still running after five renewals").isTrue();
        assertThat(read("out")).isEqualTo("engine started\n");

        gate.destroy(); // docker stop: SIGTERM to the container's first process
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(read("out")).isEqualTo("engine started\nengine got TERM\n");
        assertThat(gate.exitValue()).as("the engine's own exit code").isEqualTo(7);
        assertThat(read("err")).contains("allowed: primary is the active site at epoch 3").contains("engine exited (7)");
    }

    @Test
    void aRefusedLeaseStopsTheEngineAtOnce() throws Exception {
        Process gate = tradingUnderTheLease();
        lease.set(fencing());
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(read("out")).endsWith("engine got TERM\n");
        assertThat(read("err")).contains("STOPPING the engine (SIGTERM), the lease is refused: failover " + OP);
    }

    @Test
    void aFrozenEngineIsKilledWhenTheLeaseRunsOut() throws Exception {
        // the one-way cut of the namespace campaign: the coordinator cannot reach this site, the engine is frozen,
        // a coordinator this site can still reach says the fence has begun
        Process gate = tradingUnderTheLease();
        long engine = Long.parseLong(read("engine.pid").trim());
        new ProcessBuilder("kill", "-STOP", String.valueOf(engine)).start().waitFor();
        lease.set(fencing());
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.exitValue()).as("SIGKILL: a frozen engine never handles the SIGTERM").isEqualTo(128 + 9);
        assertThat(read("err")).contains("SIGTERM").contains("STOPPING the engine (SIGKILL): no coordinator granted the lease");
        assertThat(ProcessHandle.of(engine).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void withoutAGrantForTheLeaseTheEngineIsKilled() throws Exception {
        // a partition: no coordinator (with a quorum) answers any more
        Process gate = tradingUnderTheLease();
        lease.set("no quorum");
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.exitValue()).isEqualTo(128 + 9);
        assertThat(read("out")).isEqualTo("engine started\n");
        assertThat(read("err")).contains("STOPPING the engine (SIGKILL): no coordinator granted the lease for 3.00s")
                .contains("unreachable or without quorum");
    }

    @Test
    void aGrantAfterRoundsWithoutOneIsLoggedWithTheGap() throws Exception {
        // a decision store electing a new leader: no coordinator can grant for a while, then one does again
        Process gate = tradingUnderTheLease();
        lease.set("no quorum");
        awaitRenewals(3);
        lease.set(granted(4));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> read("err").contains("lease renewed after"));
        assertThat(gate.isAlive()).as("renewed in time: the engine runs on").isTrue();
        assertThat(read("err")).containsPattern("lease renewed after \\d+\\.\\d\\ds without a grant \\([1-9]\\d* rounds; it runs out after 3\\.00s\\)")
                .doesNotContain("STOPPING");
    }

    @Test
    void aStaleCoordinatorsGrantDoesNotCount() throws Exception {
        Path epoch = dir.resolve("epoch");
        Files.writeString(epoch, "4\n");
        status.set(active("primary", 4, null));
        lease.set(granted(4));
        Process gate = leased("primary", Map.of("BATON_GATE_EPOCH_FILE", epoch.toString()));
        awaitRenewals(2);
        Files.writeString(epoch, "5\n"); // a newer coordinator wrote this site's epoch: the one answering is behind
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.exitValue()).isEqualTo(128 + 9);
        assertThat(read("err")).contains("is stale: epoch 4, this site was written epoch 5");
    }

    @Test
    void anOverriddenStartRunsUnderTheLeaseFromTheFirstGrantOn() throws Exception {
        // installation: the engine starts before Baton runs, and Baton takes it over once it answers
        lease.set("no quorum");
        Process gate = leased("primary", Map.of("BATON_GATE_OVERRIDE", "first start at installation"));
        awaitRenewals(5);
        assertThat(gate.isAlive()).as("never granted yet: nothing to run out").isTrue();
        lease.set(granted(0));
        awaitRenewals(2);
        lease.set("no quorum");
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.exitValue()).isEqualTo(128 + 9);
        assertThat(read("err")).contains("OVERRIDE on primary").contains("lease granted: primary is the active site at epoch 0; the engine runs under it from now")
                .contains("STOPPING the engine (SIGKILL)");
    }

    @Test
    void noEngineStartsWithoutTheLease() throws Exception {
        status.set(active("primary", 4, null));
        lease.set(new SiteLease("primary", false, 4, 2, "standby is the active site at epoch 4, not primary"));
        Process gate = leased("primary", Map.of());
        assertThat(gate.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(gate.exitValue()).isEqualTo(3);
        assertThat(read("out")).isEmpty();
        assertThat(read("err")).contains("REFUSED: lease: standby is the active site at epoch 4, not primary");
    }

    @Test
    void aLeaseTooShortForItsOwnTimeoutsIsAUsageError() throws Exception {
        status.set(active("primary", 4, null));
        Result r = gate("primary", url(), Map.of("BATON_GATE_LEASE", "2", "BATON_GATE_TIMEOUT", "1", "BATON_GATE_RENEW", "1"));
        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr).contains("BATON_GATE_LEASE=2 leaves no time: it must exceed BATON_GATE_TIMEOUT + BATON_GATE_RENEW + 1");
        assertThat(gate("primary", url(), Map.of("BATON_GATE_LEASE", "ten")).stderr).contains("BATON_GATE_LEASE must be whole seconds");
        Result fast = gate("primary", url(), Map.of("BATON_GATE_LEASE", "10", "BATON_GATE_RENEW", "fast"));
        assertThat(fast.exit).isEqualTo(2);
        assertThat(fast.stderr).contains("BATON_GATE_RENEW must be seconds (digits, at most one '.'), was 'fast'");
    }

    /** The primary's engine started under the lease at epoch 4, granted twice since. */
    private Process tradingUnderTheLease() throws IOException {
        status.set(active("primary", 4, null));
        lease.set(granted(4));
        Process gate = leased("primary", Map.of());
        awaitRenewals(2);
        return gate;
    }

    private static SiteLease fencing() {
        return new SiteLease("primary", false, 4, 2, "failover " + OP + " (primary -> standby) is fencing primary at epoch 4");
    }

    private static SiteLease granted(long epoch) {
        return new SiteLease("primary", true, epoch, 2, "primary is the active site at epoch " + epoch);
    }

    /** The gate with a 4 s lease (1 s timeout, renewing every 0.2 s: the engine dies 3 s after the last grant was asked for). */
    private Process leased(String site, Map<String, String> env) throws IOException {
        String engine = "echo $$ > " + dir.resolve("engine.pid") + "; trap 'echo engine got TERM; exit 7' TERM; echo engine started; "
                + "while :; do sleep 0.1; done";
        ProcessBuilder pb = new ProcessBuilder("sh", GATE.toString(), "--", "sh", "-c", engine)
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("BATON_SITE", site);
        pb.environment().put("BATON_GATE_COORDINATORS", url());
        pb.environment().put("BATON_GATE_EPOCH_FILE", dir.resolve("no-epoch-file").toString());
        pb.environment().put("BATON_GATE_INTERVAL", "0.2");
        pb.environment().put("BATON_GATE_TIMEOUT", "1");
        pb.environment().put("BATON_GATE_LEASE", "4");
        pb.environment().put("BATON_GATE_RENEW", "0.2");
        pb.environment().putAll(env);
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitRenewals(int more) {
        int target = leaseAsks.get() + more;
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() -> leaseAsks.get() >= target);
    }

    private String read(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readString(p, StandardCharsets.UTF_8) : "";
    }

    private static CoordinatorStatus active(String site, long epoch, String operation) {
        return active(site, epoch, 2, true, operation);
    }

    private static CoordinatorStatus active(String site, long epoch, long term, boolean quorum, String operation) {
        FailoverState state = operation != null ? FailoverState.FAILING_OVER
                : site.equals("primary") ? FailoverState.PRIMARY_ACTIVE : FailoverState.STANDBY_ACTIVE;
        return new CoordinatorStatus(state, site, epoch, term, false, null, null, null, 1, null, null, operation, Map.of(), Map.of(),
                new CoordinatorStatus.Decider("zookeeper", quorum, quorum ? "standby-coordinator" : null,
                        quorum ? null : "no quorum: 1 of 3 servers reachable (127.0.0.1:2181)"), null);
    }

    private String url() {
        return "http://127.0.0.1:" + coordinator.getAddress().getPort();
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private Result gate(String site, String coordinators, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", GATE.toString(), "--", "sh", "-c", "echo engine started")
                .redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("BATON_SITE", site);
        pb.environment().put("BATON_GATE_COORDINATORS", coordinators);
        pb.environment().put("BATON_GATE_EPOCH_FILE", dir.resolve("no-epoch-file").toString());
        pb.environment().put("BATON_GATE_INTERVAL", "0.2");
        pb.environment().put("BATON_GATE_TIMEOUT", "2");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the gate ends").isTrue();
        return new Result(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8));
    }

    private static int deadPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
