package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.ssh.SshConnector;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import dev.baton.common.wire.FailoverState;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.SessionRelease;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The session check as an SSH command (exit 0 = no live session, 1 = still held, anything else = cannot tell),
 * run over real SSH on the site taking over, and what the plan and journal may show of a session-check URL.
 */
class BrokerSessionTest {
    private static final String CHECK = "broker-session-free DU1234567";

    @TempDir
    Path temp;

    private EmbeddedSshServer standby;
    private SshConnector connector;
    /** The exit codes the check answers, in order; the last repeats. */
    private volatile List<Integer> exits = List.of(0);
    private final AtomicInteger asked = new AtomicInteger();
    private final List<Instant> answeredReleased = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        standby = EmbeddedSshServer.start(temp, request -> {
            if (!request.command().trim().equals(CHECK)) {
                return CommandHandler.Reply.fail(127, "not found\n");
            }
            int n = asked.getAndIncrement();
            int exit = exits.get(Math.min(n, exits.size() - 1));
            if (exit == 0) {
                answeredReleased.add(Instant.now());
            }
            return new CommandHandler.Reply(exit, exit == 1 ? "DU1234567 logged in from 203.0.113.10\n" : "", exit > 1 ? "api down\n" : "");
        });
        connector = new SshConnector();
    }

    @AfterEach
    void stop() throws Exception {
        connector.close();
        standby.close();
    }

    @Test
    void aHeldSessionBlocksUntilTheCommandSaysItIsGone() throws Exception {
        exits = List.of(1, 1, 0);

        SessionRelease r = broker(Duration.ofMinutes(5)).await(ctx(), Instant.now(), BrokerSession.Logout.NOT_CHECKED,
                Instant.now().plusSeconds(30), progress -> {
                });

        assertThat(r.by()).isEqualTo(SessionRelease.By.SESSION_CHECK);
        assertThat(asked).hasValue(3);
        assertThat(r.releasedAt()).isAfterOrEqualTo(answeredReleased.get(0));
        assertThat(r.detail()).contains("command on standby exited 0");
        assertThat(standby.received()).allSatisfy(q -> assertThat(q.env()).containsEntry("BATON_EPOCH", "7"));
    }

    @Test
    void aCommandThatCannotTellLeavesItToTheLinger() throws Exception {
        exits = List.of(2);
        Instant fenced = Instant.now();
        List<String> progress = new ArrayList<>();

        SessionRelease r = broker(Duration.ofSeconds(1)).await(ctx(), fenced, BrokerSession.Logout.NOT_CHECKED, Instant.now().plusSeconds(30),
                progress::add);

        assertThat(r.by()).isEqualTo(SessionRelease.By.LINGER);
        assertThat(Duration.between(fenced, r.releasedAt())).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        assertThat(r.detail()).contains("session check cannot tell (command on standby exited 2: api down)");
        assertThat(progress).isNotEmpty().allSatisfy(p -> assertThat(p).contains("the session linger ends"));
    }

    @Test
    void aSessionStillHeldAtTheDeadlineIsAnUnconfirmedFence() throws Exception {
        exits = List.of(1);
        BrokerSession broker = broker(Duration.ofSeconds(1));

        assertThatThrownBy(() -> broker.await(ctx(), Instant.now(), BrokerSession.Logout.NOT_CHECKED, Instant.now().plusSeconds(2), p -> {
        })).isInstanceOf(StepFailed.class).hasMessageStartingWith("UNCONFIRMED: the broker did not release")
                .hasMessageContaining("still held (command on standby exited 1: DU1234567 logged in from 203.0.113.10)");
        assertThat(asked.get()).isGreaterThan(1);
        assertThat(answeredReleased).isEmpty();
    }

    @Test
    void aConfirmedLogoutReleasesWithoutAsking() throws Exception {
        SessionRelease r = broker(Duration.ofMinutes(5)).await(ctx(), Instant.now(),
                new BrokerSession.Logout(true, "primary's logout check confirmed a clean logout"), Instant.now().plusSeconds(30), p -> {
                });

        assertThat(r.by()).isEqualTo(SessionRelease.By.LOGOUT);
        assertThat(asked).hasValue(0);
    }

    @Test
    void theSessionCheckUrlIsShownWithoutUserInfoOrQuery() {
        assertThat(BrokerSession.withoutSecrets("https://ops:s3cret@broker.example:8443/v1/accounts/U1/session?api_key=abc"))
                .isEqualTo("https://broker.example:8443/v1/accounts/U1/session");
        assertThat(BrokerSession.withoutSecrets("http://127.0.0.1:9000/sessions/DU1234567")).isEqualTo("http://127.0.0.1:9000/sessions/DU1234567");
        assertThat(BrokerSession.withoutSecrets("not a url at all")).doesNotContain("not a url");
    }

    private BrokerSession broker(Duration linger) {
        Map<String, String> m = new HashMap<>();
        for (String[] site : new String[][] {{"primary", "primary"}, {"standby", "standby"}}) {
            String p = "baton.coordinator.sites." + site[0] + ".";
            m.put(p + "role", site[1]);
            m.put(p + "host", standby.host());
            m.put(p + "port", String.valueOf(standby.port()));
            m.put(p + "user", standby.user());
            m.put(p + "private-key", standby.privateKey().toString());
            m.put(p + "known-hosts", standby.knownHosts().toString());
            m.put(p + "root", "/");
        }
        m.put("baton.coordinator.observers.names", "a,b,c");
        m.put("baton.coordinator.fence.session-linger", linger.toMillis() + "ms");
        m.put("baton.coordinator.fence.session-check.command", CHECK);
        m.put("baton.coordinator.fence.session-check.interval", "100ms");
        CoordinatorConfig config = new SmallRyeConfigBuilder().withMapping(CoordinatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", m) {
                }).build().getConfigMapping(CoordinatorConfig.class);
        return new BrokerSession(new SiteShell(connector, new Sites(config), config, new SiteLinks(Clock.systemUTC()), () -> 1L), config, new ObjectMapper(), Clock.systemUTC());
    }

    private static OperationContext ctx() {
        return new OperationContext(new OperationRow(UUID.randomUUID(), OperationRow.Kind.FAILOVER, "manual", "primary", "standby", "test",
                OperationRow.Status.RUNNING, 7, FailoverState.PRIMARY_ACTIVE, null, Instant.now(), null, null, null), 1);
    }
}
