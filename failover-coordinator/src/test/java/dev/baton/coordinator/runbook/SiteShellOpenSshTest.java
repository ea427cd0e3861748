package dev.baton.coordinator.runbook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshFailure;
import dev.baton.common.testing.OpenSshServer;
import dev.baton.common.wire.SiteLink;
import dev.baton.coordinator.config.CoordinatorConfig;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the coordinator does to a site over SSH, against Debian's OpenSSH server: the primary with an ed25519 host key
 * and user key, the standby with RSA host key and ECDSA user key, known_hosts hashed from ssh-keyscan. The sites'
 * {@code docker compose} is a shell stand-in (common's {@code docker-shim.sh}) run by the real server's shell.
 * Fence (epoch compare-and-write, stop, confirm by ps), start, a site's epoch never lowered, and a host key that
 * does not match shown in the status's site links with both fingerprints until known_hosts is fixed.
 */
class SiteShellOpenSshTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final List<String> ENGINE = List.of("trading-engine", "ib-gateway");
    private static OpenSshServer primary;
    private static OpenSshServer standby;
    private static Path dir;
    private static SshConnector connector;
    private Path primaryRoot;
    private Path standbyRoot;
    private Map<String, String> settings;
    private SiteShell shell;

    @BeforeAll
    static void servers(@TempDir Path tmp) throws Exception {
        OpenSshServer.require();
        dir = tmp;
        primary = OpenSshServer.start(tmp.resolve("primary-sshd"), List.of("ed25519"));
        standby = OpenSshServer.start(tmp.resolve("standby-sshd"), List.of("rsa"));
        connector = new SshConnector();
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (primary != null) {
            primary.close();
        }
        if (standby != null) {
            standby.close();
        }
    }

    @BeforeEach
    void sites() throws Exception {
        primaryRoot = Files.createDirectories(dir.resolve("primary-" + System.nanoTime()));
        standbyRoot = Files.createDirectories(dir.resolve("standby-" + System.nanoTime()));
        settings = new HashMap<>();
        site("primary", primary, primaryRoot, primary.userKey("id_" + System.nanoTime(), "ed25519", ""), primary.knownHosts("kh", true));
        site("standby", standby, standbyRoot, standby.userKey("id_" + System.nanoTime(), "ecdsa", ""), standby.knownHosts("kh", true));
        settings.put("baton.coordinator.observers.names", "a,b,c");
        shell = shell();
    }

    private void site(String name, OpenSshServer server, Path root, Path key, Path knownHosts) throws Exception {
        String p = "baton.coordinator.sites." + name + ".";
        settings.put(p + "role", name);
        settings.put(p + "host", server.host());
        settings.put(p + "port", String.valueOf(server.port()));
        settings.put(p + "user", server.user());
        settings.put(p + "private-key", key.toString());
        settings.put(p + "known-hosts", knownHosts.toString());
        settings.put(p + "root", root.toString());
        settings.put(p + "engine-services", String.join(",", ENGINE));
        settings.put(p + "compose-command", server.composeShim(root, List.of("trading-engine", "ib-gateway", "postgres")));
    }

    private SiteShell shell() {
        CoordinatorConfig config = configOf();
        return new SiteShell(connector, new Sites(config), config, new SiteLinks(Clock.systemUTC()), () -> 1L);
    }

    @Test
    void aFenceWritesTheEpochStopsTheEngineAndConfirmsItByPs() throws Exception {
        assertThat(shell.exec("primary", shell.compose("primary", "up -d"), 0, TIMEOUT).exitCode()).isZero();
        assertThat(shell.runningEngine("primary", TIMEOUT)).containsExactlyInAnyOrderElementsOf(ENGINE);

        shell.writeEpoch("primary", 1, 1);
        assertThat(shell.stopEngine("primary", 1, TIMEOUT)).as("nothing of the engine still running").isEmpty();

        assertThat(Files.readString(primaryRoot.resolve(".baton/epoch"))).isEqualTo("1\n");
        assertThat(Files.readAllLines(primaryRoot.resolve(".compose/calls")))
                .as("the stop carries the new epoch, and ps confirms it after").endsWith("1 stop trading-engine ib-gateway",
                        "none ps --services --filter status=running");
        assertThat(primaryRoot.resolve(".compose/running.postgres")).as("the database is not the engine: left running").exists();
    }

    @Test
    void theStandbyStartsWithTheNewEpochOverItsOwnKeyTypes() throws Exception {
        shell.writeEpoch("standby", 1, 1);
        var up = shell.exec("standby", shell.compose("standby", "up -d"), 1, TIMEOUT);

        assertThat(up.exitCode()).as(up.stderr()).isZero();
        assertThat(shell.runningEngine("standby", TIMEOUT)).containsExactlyInAnyOrderElementsOf(ENGINE);
        assertThat(Files.readAllLines(standbyRoot.resolve(".compose/calls"))).contains("1 up -d");
        assertThat(shell.readEpoch("standby")).isEqualTo(1);
    }

    @Test
    void aSiteHoldingANewerEpochIsNeverLowered() throws Exception {
        Files.createDirectories(standbyRoot.resolve(".baton"));
        Files.writeString(standbyRoot.resolve(".baton/epoch"), "5\n");

        assertThatThrownBy(() -> shell.writeEpoch("standby", 2, 9)).isInstanceOf(SiteEpochAhead.class).hasMessageContaining("5");
        assertThat(Files.readString(standbyRoot.resolve(".baton/epoch"))).isEqualTo("5\n");
    }

    @Test
    void anInstanceThatDoesNotLeadSendsNothingToTheSites() throws Exception {
        Files.createDirectories(primaryRoot.resolve(".compose"));
        Files.deleteIfExists(primaryRoot.resolve(".compose/calls"));
        CoordinatorConfig config = configOf();
        SiteShell deposed = new SiteShell(connector, new Sites(config), config, new SiteLinks(Clock.systemUTC()), () -> {
            throw new dev.baton.coordinator.store.NotLeader("coordinator-witness does not lead: no term to act with");
        });

        assertThatThrownBy(() -> deposed.stopEngine("primary", 1, TIMEOUT)).isInstanceOf(dev.baton.coordinator.store.NotLeader.class);
        assertThatThrownBy(() -> deposed.exec("primary", deposed.compose("primary", "up -d"), 1, TIMEOUT))
                .isInstanceOf(dev.baton.coordinator.store.NotLeader.class);
        assertThatThrownBy(() -> deposed.writeEpoch("primary", 1, 1)).isInstanceOf(dev.baton.coordinator.store.NotLeader.class);
        assertThat(primaryRoot.resolve(".compose/calls")).as("no command reached the site").doesNotExist();
        assertThat(primaryRoot.resolve(".baton/epoch")).doesNotExist();
    }

    @Test
    void atTheSameEpochALowerLeadershipTermIsRefusedAndAHigherOneTakesOver() throws Exception {
        shell.writeEpoch("standby", 3, 4);
        assertThat(Files.readString(standbyRoot.resolve(".baton/epoch.term"))).isEqualTo("4\n");

        // a deposed leader (term 3) resuming epoch 3 late: refused, nothing written
        assertThatThrownBy(() -> shell.writeEpoch("standby", 3, 3)).isInstanceOf(SiteEpochAhead.class)
                .hasMessageContaining("term 4").hasMessageContaining("term 3");
        assertThat(Files.readString(standbyRoot.resolve(".baton/epoch.term"))).isEqualTo("4\n");

        // the next leader resuming the same operation (epoch 3, term 5), then a new epoch at any term
        shell.writeEpoch("standby", 3, 5);
        assertThat(Files.readString(standbyRoot.resolve(".baton/epoch.term"))).isEqualTo("5\n");
        shell.writeEpoch("standby", 4, 5);
        assertThat(shell.readEpoch("standby")).isEqualTo(4);
    }

    @Test
    void aComposeThatFailsOverWorkingSshIsNotAConfirmedStop() throws Exception {
        assertThat(shell.exec("primary", shell.compose("primary", "up -d"), 0, TIMEOUT).exitCode()).isZero();
        Files.writeString(primaryRoot.resolve(".compose/broken"), "");

        assertThatThrownBy(() -> shell.stopEngine("primary", 1, TIMEOUT)).isInstanceOf(SshFailure.class)
                .hasMessageContaining("Cannot connect to the Docker daemon");
    }

    @Test
    void aHostKeyThatDoesNotMatchShowsInTheSiteLinksUntilKnownHostsIsFixed() throws Exception {
        Path good = Path.of(settings.get("baton.coordinator.sites.standby.known-hosts"));
        String saved = Files.readString(good);
        // the standby reinstalled, or an impostor: known_hosts still pins the primary's key for its address
        Files.writeString(good, "[127.0.0.1]:" + standby.port() + " " + primary.hostPublicKey("ed25519") + "\n");

        assertThatThrownBy(() -> shell.runningEngine("standby", TIMEOUT)).isInstanceOfSatisfying(SshFailure.class,
                f -> assertThat(f.kind()).isIn(SshFailure.Kind.CHANGED_HOST_KEY, SshFailure.Kind.UNKNOWN_HOST_KEY));
        SiteLink down = shell.links().view().get("standby");
        assertThat(down.reachable()).isFalse();
        assertThat(down.reason()).contains(standby.hostFingerprint("rsa"));

        Files.writeString(good, saved);
        CoordinatorConfig config = configOf();
        SiteShell fixed = new SiteShell(connector, new Sites(config), config, shell.links(), () -> 1L);
        assertThat(fixed.runningEngine("standby", TIMEOUT)).isEmpty();
        assertThat(shell.links().view().get("standby").reachable()).isTrue();
    }

    private CoordinatorConfig configOf() {
        return new SmallRyeConfigBuilder().withMapping(CoordinatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", settings) {
                }).build().getConfigMapping(CoordinatorConfig.class);
    }
}
