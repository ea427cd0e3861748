package dev.baton.coordinator.store;

import dev.baton.common.testing.EmbeddedPostgresServer;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link StoreContract} on a real PostgreSQL with the coordinator's own migrations. */
class PostgresStoreContractTest extends StoreContract {
    private static EmbeddedPostgresServer pg;
    private static Vertx vertx;
    private static Pool pool;
    private PostgresStore store;

    @BeforeAll
    static void database() throws Exception {
        pg = EmbeddedPostgresServer.start();
        vertx = Vertx.vertx();
        pool = PgBuilder.pool().connectingTo(pg.reactiveUrl() + "?user=" + EmbeddedPostgresServer.USER).with(new PoolOptions().setMaxSize(2)).using(vertx).build();
    }

    @AfterAll
    static void stop() throws IOException {
        pool.closeAndAwait();
        vertx.closeAndAwait();
        pg.close();
    }

    @BeforeEach
    void empty() throws Exception {
        pg.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        for (String v : new String[] {"V1__coordinator.sql", "V2__session_release.sql", "V3__leader_term.sql"}) {
            try (InputStream in = getClass().getResourceAsStream("/db/migration/" + v)) {
                pg.execute(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        store = new PostgresStore(pool);
        store.initialise("primary", dev.baton.common.wire.FailoverState.PRIMARY_ACTIVE, 0);
    }

    @Override
    CoordinatorStore store() {
        return store;
    }
}
