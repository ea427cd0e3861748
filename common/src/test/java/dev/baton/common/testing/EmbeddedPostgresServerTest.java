package dev.baton.common.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The PostgreSQL fixture is a real server: it answers SQL, stops, and comes back with its data. */
class EmbeddedPostgresServerTest {

    @Test
    void answersQueriesAndKeepsDataAcrossARestart() throws Exception {
        try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start()) {
            assertThat(pg.reactiveUrl()).startsWith("postgresql://127.0.0.1:");
            pg.execute("CREATE TABLE epoch (value bigint); INSERT INTO epoch VALUES (41)");
            assertThat(queryLong(pg, "SELECT value + 1 FROM epoch")).isEqualTo(42);

            int port = pg.port();
            pg.stop();
            assertThatThrownBy(() -> queryLong(pg, "SELECT 1")).isInstanceOf(SQLException.class);

            pg.restart();
            assertThat(pg.port()).isEqualTo(port);
            assertThat(queryLong(pg, "SELECT value FROM epoch")).isEqualTo(41);
        }
    }

    private static long queryLong(EmbeddedPostgresServer pg, String sql) throws SQLException {
        try (Connection c = pg.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
