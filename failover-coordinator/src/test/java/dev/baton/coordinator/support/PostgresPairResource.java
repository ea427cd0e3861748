package dev.baton.coordinator.support;

import dev.baton.common.testing.PostgresPair;
import dev.baton.common.testing.PostgresPair.Node;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code @WithTestResource(PostgresPairResource.class)}: a real PostgreSQL primary and streaming replica
 * ({@link PostgresPair}) as the {@link World}'s two sites' databases, the primary site's on the first node.
 */
public class PostgresPairResource implements QuarkusTestResourceLifecycleManager {
    /** Marks a {@link PostgresPair} field in a test to receive the running pair. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    public @interface InjectPair {
    }

    private PostgresPair pair;

    @Override
    public Map<String, String> start() {
        try {
            pair = PostgresPair.start();
            Map<String, String> config = new HashMap<>();
            for (Object[] site : new Object[][] {{"primary", Node.FIRST}, {"standby", Node.SECOND}}) {
                String p = "baton.coordinator.sites." + site[0] + ".database.";
                config.put(p + "host", "127.0.0.1");
                config.put(p + "port", String.valueOf(pair.port((Node) site[1])));
                config.put(p + "user", PostgresPair.USER);
                config.put(p + "password-file", pair.passwordFile().toString());
                config.put(p + "ssl-mode", "disable");
            }
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(pair, new TestInjector.AnnotatedAndMatchesType(InjectPair.class, PostgresPair.class));
    }

    @Override
    public void stop() {
        if (pair != null) {
            try {
                pair.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
