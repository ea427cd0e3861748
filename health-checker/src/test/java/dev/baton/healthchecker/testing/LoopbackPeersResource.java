package dev.baton.healthchecker.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two loopback peers for the running service: a trading-engine-like HTTP target the test can fail and
 * heal, and a coordinator (WireMock) that accepts {@code POST /api/v1/verdicts} only with the right
 * bearer token and answers like the coordinator otherwise (401 problem JSON). The service is configured
 * to probe one and push to the other.
 */
public class LoopbackPeersResource implements QuarkusTestResourceLifecycleManager {
    public static final String COORDINATOR_TOKEN = "coordinator-token-0123456789";

    /**
     * What a test gets: the target it can break, the coordinator it can inspect, and the standby's SSH
     * server whose container check answers with the exit code the test sets.
     */
    public record Peers(TargetServer target, WireMockServer coordinator, EmbeddedSshServer standby, AtomicInteger standbyExit) {

        /** The coordinator accepts verdicts with the right token (and refuses others with 401). */
        public void coordinatorAccepts() {
            coordinator.resetAll();
            coordinator.stubFor(post(urlEqualTo("/api/v1/verdicts")).atPriority(10)
                    .willReturn(aResponse().withStatus(401).withHeader("Content-Type", "application/problem+json")
                            .withBody("{\"type\":\"about:blank\",\"title\":\"Unauthorized\",\"status\":401,\"detail\":\"invalid bearer token\"}")));
            coordinator.stubFor(post(urlEqualTo("/api/v1/verdicts")).atPriority(1)
                    .withHeader("Authorization", equalTo("Bearer " + COORDINATOR_TOKEN))
                    .willReturn(aResponse().withStatus(200)));
        }

        /** The coordinator is up but failing. */
        public void coordinatorFails() {
            coordinator.resetAll();
            coordinator.stubFor(post(urlEqualTo("/api/v1/verdicts")).willReturn(aResponse().withStatus(503)));
        }
    }

    private Peers peers;

    @Override
    public Map<String, String> start() {
        TargetServer target;
        try {
            target = TargetServer.http();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        WireMockServer coordinator = new WireMockServer(options().bindAddress("127.0.0.1").dynamicPort());
        coordinator.start();
        AtomicInteger standbyExit = new AtomicInteger(0);
        EmbeddedSshServer standby;
        try {
            standby = EmbeddedSshServer.start(Files.createTempDirectory("standby"), request -> switch (standbyExit.get()) {
                case 0 -> CommandHandler.Reply.ok("true\n");
                case 1 -> new CommandHandler.Reply(1, "WARNING - engine restarting\n", "");
                default -> CommandHandler.Reply.fail(standbyExit.get(), "Error: No such object: trading-engine\n");
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        peers = new Peers(target, coordinator, standby, standbyExit);
        peers.coordinatorAccepts();

        Map<String, String> config = new HashMap<>();
        String engine = "baton.health.checks[0].";
        config.put(engine + "name", "primary-engine");
        config.put(engine + "site", "primary");
        config.put(engine + "type", "http");
        config.put(engine + "target", target.url("/switch"));
        config.put(engine + "interval", "500ms");
        config.put(engine + "timeout", "400ms");
        config.put(engine + "failure-threshold", "2");
        config.put(engine + "success-threshold", "2");
        config.put(engine + "http.json-equals", "components.ib_gateway.connected == true");
        String grafana = "baton.health.checks[1].";
        config.put(grafana + "name", "primary-grafana");
        config.put(grafana + "site", "primary");
        config.put(grafana + "type", "tcp");
        config.put(grafana + "target", "127.0.0.1:" + coordinator.port());
        config.put(grafana + "interval", "1s");
        config.put(grafana + "timeout", "500ms");
        config.put(grafana + "critical", "false");
        String hung = "baton.health.checks[2].";
        config.put(hung + "name", "primary-reports");
        config.put(hung + "site", "primary");
        config.put(hung + "type", "http");
        config.put(hung + "target", target.url("/hang"));
        config.put(hung + "interval", "1s");
        config.put(hung + "timeout", "900ms");
        config.put(hung + "failure-threshold", "1");
        config.put(hung + "critical", "false");
        String container = "baton.health.checks[3].";
        config.put(container + "name", "standby-engine-container");
        config.put(container + "site", "standby");
        config.put(container + "type", "ssh-command");
        config.put(container + "target", "docker inspect -f '{{.State.Running}}' trading-engine");
        config.put(container + "interval", "500ms");
        config.put(container + "timeout", "450ms");
        config.put(container + "failure-threshold", "2");
        config.put(container + "success-threshold", "1");
        config.put(container + "ssh.host", standby.host());
        config.put(container + "ssh.port", String.valueOf(standby.port()));
        config.put(container + "ssh.user", standby.user());
        config.put(container + "ssh.private-key", standby.privateKey().toString());
        config.put(container + "ssh.known-hosts", standby.knownHosts().toString());
        config.put("baton.health.push.coordinators", coordinator.baseUrl());
        config.put("baton.health.push.token", COORDINATOR_TOKEN);
        config.put("baton.health.push.heartbeat", "1s");
        config.put("baton.health.push.initial-backoff", "100ms");
        config.put("baton.health.push.max-backoff", "400ms");
        return config;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(peers, new TestInjector.AnnotatedAndMatchesType(InjectPeers.class, Peers.class));
    }

    @Override
    public void stop() {
        if (peers != null) {
            peers.target().close();
            peers.coordinator().stop();
            try {
                peers.standby().close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
