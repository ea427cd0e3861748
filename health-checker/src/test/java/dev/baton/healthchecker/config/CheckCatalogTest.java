package dev.baton.healthchecker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.probe.CheckType;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bad configuration refuses to start, with a line naming the key; good configuration becomes definitions. */
class CheckCatalogTest {

    private static CheckCatalog catalog(Map<String, String> values) {
        Map<String, String> all = new HashMap<>(Map.of("baton.health.observer", "witness"));
        all.putAll(values);
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(HealthCheckerConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", all) {
                })
                .build();
        return new CheckCatalog(config.getConfigMapping(HealthCheckerConfig.class));
    }

    private static Map<String, String> check(int i, String name, String type, String target) {
        String k = "baton.health.checks[" + i + "].";
        return Map.of(k + "name", name, k + "site", "primary", k + "type", type, k + "target", target);
    }

    private static Map<String, String> merge(Map<String, String>... maps) {
        Map<String, String> all = new HashMap<>();
        for (Map<String, String> m : maps) {
            all.putAll(m);
        }
        return all;
    }

    @Test
    void aValidConfigurationBecomesDefinitionsWithDefaults() {
        CheckCatalog catalog = catalog(merge(
                check(0, "engine", "http", "http://127.0.0.2:8080/health/detailed"),
                Map.of("baton.health.checks[0].http.json-equals", "components.ib_gateway.connected == true"),
                check(1, "db", "postgres", "postgresql://baton:s3cret@127.0.0.2:5432/trading"),
                check(2, "gateway", "tcp", "127.0.0.2:4001"),
                check(3, "engine-container", "ssh-command", "docker inspect -f '{{.State.Running}}' trading-engine"),
                Map.of("baton.health.checks[3].ssh.host", "127.0.0.2", "baton.health.checks[3].ssh.user", "baton",
                        "baton.health.checks[3].ssh.private-key", "/keys/id", "baton.health.checks[3].ssh.known-hosts", "/keys/kh"),
                check(4, "wg", "process", "wireguard")));

        assertThat(catalog.checks()).extracting(CheckDefinition::type)
                .containsExactly(CheckType.HTTP, CheckType.POSTGRES, CheckType.TCP, CheckType.SSH_COMMAND, CheckType.PROCESS);
        CheckDefinition engine = catalog.checks().get(0);
        assertThat(engine.interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(engine.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(engine.failureThreshold()).isEqualTo(3);
        assertThat(engine.successThreshold()).isEqualTo(2);
        assertThat(engine.critical()).isTrue();
        CheckDefinition.Http http = (CheckDefinition.Http) engine.options();
        assertThat(http.tlsVerify()).isTrue();
        assertThat(http.expectedStatus()).containsExactly(200);
        assertThat(http.jsonEquals()).singleElement().satisfies(c -> {
            assertThat(c.path()).containsExactly("components", "ib_gateway", "connected");
            assertThat(c.expected()).isEqualTo("true");
        });
        CheckDefinition db = catalog.checks().get(1);
        assertThat(db.displayTarget()).isEqualTo("postgresql://127.0.0.2:5432/trading").doesNotContain("s3cret");
        assertThat(db.toString()).doesNotContain("s3cret");
        CheckDefinition.Postgres pg = (CheckDefinition.Postgres) db.options();
        assertThat(pg.user()).isEqualTo("baton");
        assertThat(pg.password()).contains("s3cret");
        assertThat(pg.database()).isEqualTo("trading");
    }

    @Test
    void unknownTypeNamesTheKey() {
        assertThatThrownBy(() -> catalog(check(0, "x", "icmp", "127.0.0.2")))
                .hasMessageContaining("baton.health.checks[0].type: unknown check type 'icmp'")
                .hasMessageContaining("http, tcp, postgres, ssh-command, process");
    }

    @Test
    void negativeIntervalNamesTheKey() {
        assertThatThrownBy(() -> catalog(merge(check(0, "x", "tcp", "127.0.0.2:22"),
                Map.of("baton.health.checks[0].interval", "-5s"))))
                .hasMessageContaining("baton.health.checks[0].interval: must be positive, was -5s");
    }

    @Test
    void timeoutLongerThanIntervalNamesTheKey() {
        assertThatThrownBy(() -> catalog(merge(check(0, "x", "tcp", "127.0.0.2:22"),
                Map.of("baton.health.checks[0].interval", "2s", "baton.health.checks[0].timeout", "5s"))))
                .hasMessageContaining("baton.health.checks[0].timeout: 5s is longer than the interval 2s");
    }

    @Test
    void badUrlsNameTheKey() {
        assertThatThrownBy(() -> catalog(check(0, "x", "http", "ftp://127.0.0.2/")))
                .hasMessageContaining("baton.health.checks[0].target: 'ftp://127.0.0.2/' is not an absolute http:// or https:// URL");
        assertThatThrownBy(() -> catalog(check(0, "x", "tcp", "127.0.0.2")))
                .hasMessageContaining("baton.health.checks[0].target: '127.0.0.2' is not host:port");
        assertThatThrownBy(() -> catalog(check(0, "x", "postgres", "mysql://127.0.0.2/db")))
                .hasMessageContaining("baton.health.checks[0].target: must be postgresql://");
        assertThatThrownBy(() -> catalog(Map.of("baton.health.push.coordinators", "not a url", "baton.health.push.token",
                "token-0123456789abcdef")))
                .hasMessageContaining("baton.health.push.coordinators[0]");
    }

    @Test
    void aBadUrlWithAPasswordIsReportedWithoutIt() {
        assertThatThrownBy(() -> catalog(check(0, "x", "http", "gopher://user:hunter2@127.0.0.2/")))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void duplicateNameNamesBothKeys() {
        assertThatThrownBy(() -> catalog(merge(check(0, "engine", "tcp", "127.0.0.2:80"), check(1, "engine", "tcp", "127.0.0.3:80"))))
                .hasMessageContaining("baton.health.checks[1].name: duplicate check name 'engine' (also baton.health.checks[0].name)");
    }

    @Test
    void typeSpecificProblemsNameTheirKeys() {
        assertThatThrownBy(() -> catalog(check(0, "x", "ssh-command", "true")))
                .hasMessageContaining("baton.health.checks[0].ssh.host: required")
                .hasMessageContaining("baton.health.checks[0].ssh.known-hosts: required");
        assertThatThrownBy(() -> catalog(merge(check(0, "x", "http", "http://127.0.0.2/"),
                Map.of("baton.health.checks[0].http.json-equals", "status"))))
                .hasMessageContaining("baton.health.checks[0].http.json-equals[0]: 'status' is not of the form");
        assertThatThrownBy(() -> catalog(merge(check(0, "x", "postgres", "postgresql://127.0.0.2/db"),
                Map.of("baton.health.checks[0].postgres.role", "leader"))))
                .hasMessageContaining("baton.health.checks[0].postgres.role: must be primary or replica");
        assertThatThrownBy(() -> catalog(Map.of("baton.health.push.coordinators", "http://127.0.0.9:7080")))
                .hasMessageContaining("baton.health.push.token: required");
    }

    @Test
    void moreSitesThanAVerdictCarriesNamesTheKey() {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i <= 50; i++) {
            values.putAll(check(i, "c" + i, "tcp", "127.0.0.2:80"));
            values.put("baton.health.checks[" + i + "].site", "site" + i);
        }
        assertThatThrownBy(() -> catalog(values))
                .hasMessageContaining("baton.health.checks[50].site: more than 50 sites");
    }

    @Test
    void everyProblemIsListedAtOnce() {
        assertThatThrownBy(() -> catalog(merge(check(0, "a", "icmp", "x"), check(1, "b", "tcp", "nope"))))
                .isInstanceOfSatisfying(CheckCatalog.InvalidConfigException.class,
                        e -> assertThat(e.problems()).hasSize(2));
    }

    @Test
    void missingObserverNamesTheKey() {
        assertThatThrownBy(() -> new SmallRyeConfigBuilder().withMapping(HealthCheckerConfig.class)
                .withSources(new MapBackedConfigSource("test", Map.of()) {
                }).build())
                .hasMessageContaining("baton.health.observer");
    }

    @Test
    void jsonConditionsAcceptArrayIndexesAndADollarPrefix() {
        assertThat(CheckCatalog.parseCondition("$.components[1].ok == true")).hasValueSatisfying(
                c -> assertThat(c.path()).containsExactly("components", "1", "ok"));
        assertThat(CheckCatalog.parseCondition("== true")).isEmpty();
        assertThat(List.of("a.b == 1")).allSatisfy(t -> assertThat(CheckCatalog.parseCondition(t)).isPresent());
    }
}
