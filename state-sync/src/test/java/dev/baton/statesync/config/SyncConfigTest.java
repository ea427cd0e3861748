package dev.baton.statesync.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad configuration stops startup with a message naming the key; defaults are what the docs say. */
class SyncConfigTest {

    private static SyncConfig build(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(SyncConfig.class)
                .withValidateUnknown(false)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withValidator(new BeanValidationConfigValidatorImpl())
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build();
        return config.getConfigMapping(SyncConfig.class);
    }

    private static Map<String, String> standby() {
        Map<String, String> m = new HashMap<>();
        m.put("baton.sync.sites.standby.host", "127.0.0.2"); // parsed only, never dialled
        m.put("baton.sync.sites.standby.private-key", "/keys/id_ecdsa");
        m.put("baton.sync.sites.standby.known-hosts", "/keys/known_hosts");
        m.put("baton.sync.sites.standby.root", "/srv/trading");
        return m;
    }

    @Test
    void defaultsMatchTheDocumentation() {
        SyncConfig c = build(standby());
        assertThat(c.paths()).containsExactly("state", ".env");
        assertThat(c.snapshots()).isEqualTo(5);
        assertThat(c.deleteThreshold()).isEqualTo(0.5);
        assertThat(c.continuous().enabled()).isTrue();
        assertThat(c.continuous().interval()).isEqualTo(Duration.ofMillis(200));
        assertThat(c.sites().get("standby").port()).isEqualTo(22);
        assertThat(c.sites().get("standby").user()).isEqualTo("baton");
        assertThat(SyncConfigValidator.problems(c)).isEmpty();
    }

    @Test
    void aSiteWithoutHostNamesTheKey() {
        Map<String, String> m = standby();
        m.remove("baton.sync.sites.standby.host");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.sync.sites.standby.host");
    }

    @Test
    void aRelativeRootNamesTheKey() {
        Map<String, String> m = standby();
        m.put("baton.sync.sites.standby.root", "srv/trading");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.sync.sites.standby.root")
                .hasMessageContaining("absolute");
    }

    @Test
    void aDeleteThresholdAboveOneNamesTheKey() {
        Map<String, String> m = standby();
        m.put("baton.sync.delete-threshold", "1.5");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.sync.delete-threshold");
    }

    @Test
    void pathsLeavingTheRootAndAnUnknownActiveSiteAreReportedByKey() {
        Map<String, String> m = standby();
        m.put("baton.sync.paths", "state,../etc");
        m.put("baton.sync.active.site", "primary");
        assertThat(SyncConfigValidator.problems(build(m)))
                .anySatisfy(p -> assertThat(p).startsWith("baton.sync.paths:").contains("'..'"))
                .anySatisfy(p -> assertThat(p).startsWith("baton.sync.active.site:").contains("primary"));
    }
}
