package dev.baton.healthchecker.testing;

import dev.baton.healthchecker.config.CheckCatalog;
import dev.baton.healthchecker.config.HealthCheckerConfig;
import dev.baton.healthchecker.probe.CheckDefinition;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Builds one check the way production does: from configuration keys, through {@link CheckCatalog}. */
public final class Checks {

    private Checks() {
    }

    /** {@code options} are keys below {@code baton.health.checks[0].}, e.g. {@code http.body-regex}. */
    public static CheckDefinition check(String type, String target, Map<String, String> options) {
        Map<String, String> all = new HashMap<>();
        all.put("baton.health.observer", "test");
        all.put("baton.health.checks[0].name", "probe-under-test");
        all.put("baton.health.checks[0].site", "primary");
        all.put("baton.health.checks[0].type", type);
        all.put("baton.health.checks[0].target", target);
        all.put("baton.health.checks[0].timeout", "3s");
        all.put("baton.health.checks[0].interval", "5s");
        options.forEach((k, v) -> all.put("baton.health.checks[0]." + k, v));
        HealthCheckerConfig config = new SmallRyeConfigBuilder()
                .withMapping(HealthCheckerConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", all) {
                })
                .build()
                .getConfigMapping(HealthCheckerConfig.class);
        return new CheckCatalog(config).checks().get(0);
    }

    public static CheckDefinition check(String type, String target) {
        return check(type, target, Map.of());
    }
}
