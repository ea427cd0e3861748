package dev.baton.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad configuration stops start-up with a message naming the key; good configuration gets the documented defaults. */
class CoordinatorConfigTest {

    private static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        for (String[] site : new String[][] {{"nbg1", "primary"}, {"fsn1", "standby"}}) {
            String p = "baton.coordinator.sites." + site[0] + ".";
            m.put(p + "role", site[1]);
            m.put(p + "host", site[0] + ".example.net");
            m.put(p + "private-key", "/run/secrets/id_ecdsa");
            m.put(p + "known-hosts", "/etc/baton/known_hosts");
            m.put(p + "root", "/srv/abstractfinance");
        }
        m.put("baton.coordinator.observers.names", "primary,standby,witness");
        return m;
    }

    private static CoordinatorConfig build(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(CoordinatorConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build();
        return config.getConfigMapping(CoordinatorConfig.class);
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        CoordinatorConfig c = build(valid());
        assertThat(ConfigValidator.problems(c)).isEmpty();
        assertThat(c.policy().cooldown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.policy().dailyCap()).isEqualTo(5);
        assertThat(c.policy().maintenanceWindows()).isEqualTo("daily 22:00 15m UTC;SUN 23:45 60m UTC");
        assertThat(dev.baton.coordinator.runbook.BrokerSession.linger(c.fence())).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.fence().takeoverAllowed()).isFalse();
        assertThat(c.fence().sessionCheck().url()).isEmpty();
        assertThat(c.sites().get("nbg1").port()).isEqualTo(22);
        assertThat(c.sites().get("nbg1").composeCommand()).isEqualTo("docker compose");
        assertThat(c.sites().get("nbg1").engineServices()).containsExactly("trading-engine");
        assertThat(c.observers().quorum()).isEmpty();
    }

    @Test
    void missingSiteHostNamesTheKey() {
        Map<String, String> m = valid();
        m.remove("baton.coordinator.sites.nbg1.host");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.coordinator.sites.nbg1.host");
    }

    @Test
    void twoPrimariesAreRefused() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.sites.fsn1.role", "primary");
        assertThat(ConfigValidator.problems(build(m))).anySatisfy(p -> assertThat(p).startsWith("baton.coordinator.sites:"));
    }

    @Test
    void aBadRoleIsRefusedByName() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.sites.fsn1.role", "backup");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.sites.fsn1.role");
    }

    @Test
    void quorumAboveTheObserverCountIsRefused() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.observers.quorum", "4");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.observers.quorum");
    }

    @Test
    void aBadMaintenanceWindowIsRefusedByName() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.policy.maintenance-windows", "daily 22:00 15m Nowhere/Special");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.policy.maintenance-windows");
    }

    @Test
    void aRunbookThatStartsBeforeFencingIsRefused() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.runbooks.failover.steps[0].type", "start");
        m.put("baton.coordinator.runbooks.failover.steps[1].type", "fence");
        m.put("baton.coordinator.runbooks.failover.steps[2].type", "ssh");
        assertThat(ConfigValidator.problems(build(m)))
                .anySatisfy(p -> assertThat(p).contains("baton.coordinator.runbooks.failover.steps: a fence step is required, before any start step"))
                .anySatisfy(p -> assertThat(p).contains("baton.coordinator.runbooks.failover.steps[2].command"));
    }

    @Test
    void anUnknownStepTypeIsRefusedByName() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.runbooks.failover.steps[0].type", "reboot");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.runbooks.failover.steps[0].type");
    }

    @Test
    void aZeroSessionLingerNeedsTakeoverAllowed() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.fence.session-linger", "0s");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.fence.session-linger: 0 lets the standby log in");
        m.put("baton.coordinator.fence.takeover-allowed", "true");
        assertThat(ConfigValidator.problems(build(m))).isEmpty();
    }

    @Test
    void presumingAnUnreachableSiteFencedNeedsTheSitesLease() {
        Map<String, String> m = valid();
        assertThat(build(m).fence().allowWait()).as("never presumed unless configured").isFalse();
        m.put("baton.coordinator.fence.allow-wait", "true");
        assertThatThrownBy(() -> ConfigValidator.check(build(m)))
                .hasMessageContaining("baton.coordinator.fence.allow-wait: presuming an unreachable site fenced needs baton.coordinator.fence.site-lease");
        m.put("baton.coordinator.fence.site-lease", "2s");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.fence.site-lease: PT2S is too short");
        m.put("baton.coordinator.fence.site-lease", "10s");
        assertThat(ConfigValidator.problems(build(m))).isEmpty();
    }

    @Test
    void theFormerSessionReleaseKeyIsStillReadAndNotTogetherWithItsNewName() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.fence.session-release", "90s");
        CoordinatorConfig c = build(m);
        assertThat(ConfigValidator.problems(c)).isEmpty();
        assertThat(dev.baton.coordinator.runbook.BrokerSession.linger(c.fence())).isEqualTo(Duration.ofSeconds(90));
        m.put("baton.coordinator.fence.session-linger", "60s");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.fence.session-release: renamed");
    }

    @Test
    void aSessionCheckMustSayWhatReleasedMeans() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.fence.session-check.url", "https://broker.example/api/sessions/U1");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.fence.session-check.json-equals");
        m.put("baton.coordinator.fence.session-check.json-equals", "live");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.fence.session-check.json-equals[0]");
        m.put("baton.coordinator.fence.session-check.json-equals", "live == false");
        assertThat(ConfigValidator.problems(build(m))).isEmpty();
        m.put("baton.coordinator.fence.session-check.command", "broker-session-free");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("baton.coordinator.fence.session-check.url: set either");
        m.remove("baton.coordinator.fence.session-check.command");
        m.put("baton.coordinator.fence.session-check.url", "ftp://broker.example/x");
        assertThatThrownBy(() -> ConfigValidator.check(build(m))).hasMessageContaining("is not an http(s) URL");
    }

    @Test
    void aFenceStepShorterThanTheSessionLingerIsRefused() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.fence.session-linger", "3m");
        m.put("baton.coordinator.runbooks.failover.steps[0].type", "fence");
        m.put("baton.coordinator.runbooks.failover.steps[0].timeout", "2m");
        m.put("baton.coordinator.runbooks.failover.steps[1].type", "start");
        assertThatThrownBy(() -> ConfigValidator.check(build(m)))
                .hasMessageContaining("baton.coordinator.runbooks.failover.steps[0].timeout: PT2M is not longer than baton.coordinator.fence.session-linger");
    }

    @Test
    void theZooKeeperStoreIsValidatedKeyByKey() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.store", "zookeeper");
        assertThat(ConfigValidator.problems(build(m))).containsExactly(
                "baton.coordinator.zookeeper.connect: required with baton.coordinator.store=zookeeper (host:port,host:port,host:port)");

        m.put("baton.coordinator.zookeeper.connect", "127.0.0.1:2181,127.0.0.2:2181/baton,127.0.0.3");
        m.put("baton.coordinator.zookeeper.session-timeout", "500ms");
        m.put("baton.coordinator.zookeeper.connection-timeout", "3s");
        m.put("baton.coordinator.zookeeper.base-path", "baton/");
        m.put("baton.coordinator.initial.active-site", "hel1");
        assertThat(ConfigValidator.problems(build(m))).containsExactlyInAnyOrder(
                "baton.coordinator.zookeeper.connect: '127.0.0.2:2181/baton' is not host:port (a chroot is set with "
                        + "baton.coordinator.zookeeper.base-path)",
                "baton.coordinator.zookeeper.connect: '127.0.0.3' is not host:port (a chroot is set with baton.coordinator.zookeeper.base-path)",
                "baton.coordinator.zookeeper.session-timeout: must be between 1s and 2m, was PT0.5S",
                "baton.coordinator.zookeeper.connection-timeout: must be positive and at most baton.coordinator.zookeeper.session-timeout",
                "baton.coordinator.zookeeper.base-path: an absolute znode path such as /baton, was 'baton/'",
                "baton.coordinator.tick: must be shorter than baton.coordinator.zookeeper.session-timeout",
                "baton.coordinator.initial.active-site: 'hel1' is not one of baton.coordinator.sites [fsn1, nbg1]");
    }

    @Test
    void aGoodZooKeeperSetupNeedsNoLeaseAndHasTheDocumentedDefaults() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.store", "zookeeper");
        m.put("baton.coordinator.zookeeper.connect", "127.0.0.1:2181,127.0.0.2:2181,127.0.0.3:2181");
        // parsed only, never contacted; a lease shorter than twice the tick is a PostgreSQL-store problem only
        m.put("baton.coordinator.leader.lease", "3s");
        CoordinatorConfig c = build(m);
        assertThat(ConfigValidator.problems(c)).isEmpty();
        assertThat(c.zookeeper().sessionTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.zookeeper().connectionTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.zookeeper().basePath()).isEqualTo("/baton");
        assertThat(c.zookeeper().retention().operations()).isEqualTo(200);
        assertThat(c.zookeeper().retention().history()).isEqualTo(2000);
        assertThat(c.initial().epoch()).isZero();
        assertThat(c.initial().activeSite()).isEmpty();
    }

    @Test
    void anUnknownStoreIsRefused() {
        Map<String, String> m = valid();
        m.put("baton.coordinator.store", "etcd");
        assertThat(ConfigValidator.problems(build(m))).containsExactly("baton.coordinator.store: must be postgres or zookeeper, was 'etcd'");
    }

    private static Map<String, String> withDatabases(Map<String, String> m) {
        for (String site : new String[] {"nbg1", "fsn1"}) {
            m.put("baton.coordinator.sites." + site + ".database.host", "db." + site + ".example.net");
            m.put("baton.coordinator.sites." + site + ".database.password-env", "PATH");
        }
        String s = "baton.coordinator.runbooks.failover.steps";
        String[] types = {"fence", "pg-fence-old", "pg-check-replica", "pg-promote", "start"};
        for (int i = 0; i < types.length; i++) {
            m.put(s + "[" + i + "].type", types[i]);
        }
        m.put(s + "[0].timeout", "6m");
        return m;
    }

    @Test
    void databaseStepsInTheirOrderWithBothDatabasesAreValidAndGetTheirDefaults() {
        CoordinatorConfig c = build(withDatabases(valid()));
        assertThat(ConfigValidator.problems(c)).isEmpty();
        CoordinatorConfig.Database d = c.sites().get("nbg1").database();
        assertThat(d.port()).isEqualTo(5432);
        assertThat(d.user()).isEqualTo("postgres");
        assertThat(d.name()).isEqualTo("postgres");
        assertThat(d.sslMode()).isEqualTo("prefer");
        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.runbooks().get("failover").steps().get().get(1).mode()).isEqualTo("read-only");
        assertThat(c.runbooks().get("failover").steps().get().get(2).maxLag()).isEmpty();
    }

    @Test
    void badDatabaseSettingsNameTheirKeys() {
        Map<String, String> m = withDatabases(valid());
        String db = "baton.coordinator.sites.nbg1.database.";
        m.put(db + "password-file", "/nonexistent/baton-db-password");
        m.put("baton.coordinator.sites.fsn1.database.password-env", "BATON_TEST_SURELY_UNSET_VARIABLE");
        m.put("baton.coordinator.sites.fsn1.database.ssl-mode", "verify-full");

        assertThat(ConfigValidator.problems(build(m))).anySatisfy(p -> assertThat(p).startsWith(db + "password-file: set either"))
                .anySatisfy(p -> assertThat(p).startsWith(db + "password-file: /nonexistent/baton-db-password is not a readable file"))
                .anySatisfy(p -> assertThat(p).startsWith("baton.coordinator.sites.fsn1.database.password-env: the environment variable "
                        + "BATON_TEST_SURELY_UNSET_VARIABLE is not set"))
                .anySatisfy(p -> assertThat(p).startsWith("baton.coordinator.sites.fsn1.database.ssl-root-cert: ssl-mode verify-full needs"));
    }

    @Test
    void databaseStepsOutOfOrderOrWithoutADatabaseOrAllowedToContinueAreRefused() {
        String s = "baton.coordinator.runbooks.failover.steps";
        Map<String, String> swapped = withDatabases(valid());
        swapped.put(s + "[2].type", "pg-promote");
        swapped.put(s + "[3].type", "pg-check-replica");
        assertThat(ConfigValidator.problems(build(swapped))).anySatisfy(p -> assertThat(p).isEqualTo(s
                + ": pg-promote needs, in this order, fence, pg-fence-old, pg-check-replica, pg-promote, start (pg-check-replica must come before pg-promote)"));

        Map<String, String> noFenceOld = withDatabases(valid());
        noFenceOld.put(s + "[1].type", "wait");
        assertThat(ConfigValidator.problems(build(noFenceOld))).anySatisfy(p -> assertThat(p).endsWith("(pg-fence-old is missing)"));

        Map<String, String> oneDatabase = withDatabases(valid());
        oneDatabase.remove("baton.coordinator.sites.fsn1.database.host");
        assertThat(ConfigValidator.problems(build(oneDatabase))).anySatisfy(p -> assertThat(p).isEqualTo(s
                + "[1]: a pg-fence-old step needs baton.coordinator.sites.fsn1.database.host (both sites' databases)"));

        Map<String, String> goesOn = withDatabases(valid());
        goesOn.put(s + "[3].on-failure", "continue");
        goesOn.put(s + "[1].mode", "stop");
        assertThat(ConfigValidator.problems(build(goesOn))).anySatisfy(p -> assertThat(p).startsWith(s + "[3].on-failure: a pg-promote step always aborts"))
                .anySatisfy(p -> assertThat(p).isEqualTo(s + "[1].command: pg-fence-old with mode stop needs the command that stops the database"));
    }

    @Test
    void aRejoinNeedsItsCommandAndComesBeforeTheCheckOfTheReplicaItMakes() {
        String b = "baton.coordinator.runbooks.failback.steps";
        Map<String, String> m = withDatabases(valid());
        String[] types = {"fence", "pg-fence-old", "pg-check-replica", "pg-rejoin", "pg-promote", "start"};
        for (int i = 0; i < types.length; i++) {
            m.put(b + "[" + i + "].type", types[i]);
        }
        m.put(b + "[0].timeout", "6m");

        assertThat(ConfigValidator.problems(build(m)))
                .anySatisfy(p -> assertThat(p).isEqualTo(b + "[3].command: pg-rejoin needs the command that makes the database a replica "
                        + "(e.g. baton-pg-rejoin)"))
                .anySatisfy(p -> assertThat(p).isEqualTo(b + ": pg-rejoin must come before pg-check-replica (the replica it checks is the one "
                        + "pg-rejoin makes)"));

        String[] inOrder = {"pg-rejoin", "fence", "pg-fence-old", "pg-check-replica", "pg-promote", "start"};
        for (int i = 0; i < inOrder.length; i++) {
            m.put(b + "[" + i + "].type", inOrder[i]);
        }
        m.put(b + "[0].command", "baton-pg-rejoin");
        m.put(b + "[0].timeout", "3m");
        m.put(b + "[1].timeout", "6m");
        assertThat(ConfigValidator.problems(build(m))).isEmpty();
    }

    @Test
    void redisStepsNeedBothSitesRedisAndPromoteOnlyBetweenTheFenceAndTheStart() {
        String s = "baton.coordinator.runbooks.failover.steps";
        Map<String, String> m = valid();
        m.put(s + "[0].type", "redis-promote");
        m.put(s + "[1].type", "fence");
        m.put(s + "[1].timeout", "6m");
        m.put(s + "[2].type", "start");
        m.put(s + "[3].type", "redis-replicate");
        m.put(s + "[3].site", "from");
        m.put("baton.coordinator.sites.nbg1.redis.host", "redis.nbg1.example.net");
        m.put("baton.coordinator.sites.nbg1.redis.password-env", "BATON_TEST_SURELY_UNSET_VARIABLE");

        assertThat(ConfigValidator.problems(build(m)))
                .anySatisfy(p -> assertThat(p).isEqualTo(s + "[0]: a redis-promote step needs baton.coordinator.sites.fsn1.redis.host (both sites' Redis)"))
                .anySatisfy(p -> assertThat(p).isEqualTo(s + ": redis-promote goes after the fence step and before start"))
                .anySatisfy(p -> assertThat(p).isEqualTo("baton.coordinator.sites.nbg1.redis.password-env: the environment variable "
                        + "BATON_TEST_SURELY_UNSET_VARIABLE is not set"));

        m.put(s + "[0].type", "fence");
        m.put(s + "[0].timeout", "6m");
        m.put(s + "[1].type", "redis-promote");
        m.remove(s + "[1].timeout");
        m.put("baton.coordinator.sites.fsn1.redis.host", "redis.fsn1.example.net");
        m.put("baton.coordinator.sites.nbg1.redis.password-env", "PATH");
        assertThat(ConfigValidator.problems(build(m))).isEmpty();
        assertThat(build(m).sites().get("fsn1").redis().port()).isEqualTo(6379);
    }

    @Test
    void aRedisReplicateThatWouldDemoteTheLivePrimaryOrUndoAPromotionAndAFencedDatabaseNeverPromotedAreRefused() {
        String s = "baton.coordinator.runbooks.failover.steps";
        Map<String, String> m = withDatabases(valid());
        m.put("baton.coordinator.sites.nbg1.redis.host", "redis.nbg1.example.net");
        m.put("baton.coordinator.sites.fsn1.redis.host", "redis.fsn1.example.net");
        m.put(s + "[5].type", "redis-replicate");
        m.put(s + "[5].site", "from");
        m.put(s + "[6].type", "redis-promote");
        m.put(s + "[7].type", "redis-replicate");
        m.put(s + "[7].site", "to");

        assertThat(ConfigValidator.problems(build(m)))
                .anySatisfy(p -> assertThat(p).isEqualTo(s + "[5]: redis-replicate of the site being left goes after the fence step and after "
                        + "redis-promote"))
                .anySatisfy(p -> assertThat(p).isEqualTo(s + "[7]: redis-replicate of the site being started goes before redis-promote (it would "
                        + "undo it)"))
                .anySatisfy(p -> assertThat(p).isEqualTo(s + ": redis-promote goes after the fence step and before start"));

        Map<String, String> neverPromoted = withDatabases(valid());
        neverPromoted.put(s + "[3].type", "wait");
        assertThat(ConfigValidator.problems(build(neverPromoted))).anySatisfy(p -> assertThat(p).isEqualTo(s
                + ": a runbook that fences the old database (pg-fence-old) must promote the new one (pg-promote) before start"));
    }
}
