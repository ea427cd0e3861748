package dev.baton.coordinator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.DatabaseReplica;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The database replica's row on the status page and in {@code baton status}: its lag, flagged above the RPO target. */
class DatabaseRowTest {
    private static final Instant AT = Instant.parse("2026-12-06T16:00:00Z");
    private static final List<Dashboard.SyncRow> FILES = List.of(new Dashboard.SyncRow("standby", AT, 3L, null));

    @Test
    void withoutDatabasesThePageShowsStateSyncAlone() {
        assertThat(DashboardBuilder.sync(FILES, null)).isEqualTo(FILES);
    }

    @Test
    void aReplicaWithinTheTargetShowsItsLagAndOneAboveItIsFlagged() {
        assertThat(DashboardBuilder.sync(FILES, new DatabaseReplica("primary", "standby", true, 0L, 0.0, 5.0, AT, null)))
                .endsWith(new Dashboard.SyncRow("database standby (replica of primary)", AT, 0L, null));
        assertThat(DashboardBuilder.sync(FILES, new DatabaseReplica("primary", "standby", true, 81920L, 12.4, 5.0, AT, null)).get(1))
                .isEqualTo(new Dashboard.SyncRow("database standby (replica of primary)", AT, 12L, "12.4 s behind, above the RPO target of 5 s"));
    }

    @Test
    void whatIsWrongWithTheReplicaIsShownInsteadOfALag() {
        assertThat(DashboardBuilder.sync(FILES, new DatabaseReplica("standby", "primary", false, null, null, 5.0, AT,
                "primary's PostgreSQL (10.0.0.10:5432/postgres) is not a replica (pg_is_in_recovery() is false)")).get(1))
                .isEqualTo(new Dashboard.SyncRow("database primary (replica of standby)", AT, null,
                        "primary's PostgreSQL (10.0.0.10:5432/postgres) is not a replica (pg_is_in_recovery() is false)"));
        assertThat(DashboardBuilder.sync(FILES, new DatabaseReplica(null, null, false, null, null, 5.0, null, "not read yet")).get(1))
                .isEqualTo(new Dashboard.SyncRow("database replica", null, null, "not read yet"));
    }
}
