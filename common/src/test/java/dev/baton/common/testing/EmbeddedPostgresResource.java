package dev.baton.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * {@code @WithTestResource(EmbeddedPostgresResource.class)}: a real PostgreSQL for the test,
 * wired into the default datasource (reactive URL and, for Flyway, the JDBC URL).
 */
public class EmbeddedPostgresResource implements QuarkusTestResourceLifecycleManager {
    /** The configured database password (the server trusts loopback, but the services are given one, as in production). */
    public static final String PASSWORD = "unused-trust-auth";

    private EmbeddedPostgresServer server;

    @Override
    public Map<String, String> start() {
        try {
            server = EmbeddedPostgresServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "quarkus.datasource.reactive.url", server.reactiveUrl(),
                "quarkus.datasource.jdbc.url", server.jdbcUrl(),
                "quarkus.datasource.username", EmbeddedPostgresServer.USER,
                "quarkus.datasource.password", PASSWORD);
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectPostgres.class, EmbeddedPostgresServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
