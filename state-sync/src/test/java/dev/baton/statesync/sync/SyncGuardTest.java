package dev.baton.statesync.sync;

import static dev.baton.statesync.sync.TwoSites.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The guards that keep a standby's state from being wiped or escaping its root, and snapshots. */
@ParameterizedClass(name = "{0}")
@EnumSource(TwoSites.Kind.class)
class SyncGuardTest {
    @Parameter
    TwoSites.Kind kind;

    @TempDir
    Path dir;
    TwoSites sites;
    SyncEngine engine;

    @BeforeEach
    void start() throws Exception {
        sites = new TwoSites(dir, kind);
        engine = TwoSites.engine();
    }

    @AfterEach
    void stop() throws Exception {
        engine.close();
        sites.close();
    }

    private void files(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            write(sites.primaryRoot(), "state/f" + i, "content " + i, "rw-r--r--");
        }
    }

    @Test
    void anEmptiedSourceIsRefusedByTheDeleteThreshold() throws Exception {
        files(10);
        engine.cycle(sites.primary, sites.standby, 1);
        for (int i = 0; i < 10; i++) {
            Files.delete(sites.primaryRoot().resolve("state/f" + i));
        }

        assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                .isInstanceOf(SyncRefused.class)
                .hasMessageContaining("delete 10 of 10 files")
                .extracting(e -> ((SyncRefused) e).reason()).isEqualTo(SyncRefused.Reason.DELETE_THRESHOLD);
        assertThat(Files.list(sites.standbyRoot().resolve("state"))).hasSize(10);
    }

    @Test
    void deletionsBelowTheThresholdPropagate() throws Exception {
        files(10);
        engine.cycle(sites.primary, sites.standby, 1);
        for (int i = 0; i < 6; i++) {
            Files.delete(sites.primaryRoot().resolve("state/f" + i));
        }
        assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                .hasMessageContaining("delete 6 of 10 files").hasMessageContaining("60%");

        write(sites.primaryRoot(), "state/f0", "back", "rw-r--r--");
        write(sites.primaryRoot(), "state/f1", "back", "rw-r--r--");
        CycleResult r = engine.cycle(sites.primary, sites.standby, 1);
        assertThat(r.deleted()).isEqualTo(4);
        assertThat(Files.list(sites.standbyRoot().resolve("state"))).hasSize(6);
    }

    @Test
    void aSymlinkPointingOutsideTheRootIsRefused() throws Exception {
        files(2);
        Files.createSymbolicLink(sites.primaryRoot().resolve("state/passwd"), Paths.get("../../../../etc/passwd"));

        assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                .isInstanceOf(SyncRefused.class)
                .hasMessageContaining("state/passwd is a symlink pointing outside the site root");
        assertThat(sites.standbyRoot().resolve("state")).doesNotExist();
    }

    @Test
    void aSymlinkInsideTheRootIsReplicatedAsItsContent() throws Exception {
        write(sites.primaryRoot(), "config/limits.json", "{\"max\":5}", "rw-r--r--");
        Files.createDirectories(sites.primaryRoot().resolve("state"));
        Files.createSymbolicLink(sites.primaryRoot().resolve("state/limits.json"), Paths.get("../config/limits.json"));

        engine.cycle(sites.primary, sites.standby, 1);

        assertThat(sites.standbyRoot().resolve("state/limits.json")).hasContent("{\"max\":5}");
    }

    @Test
    void configuredPathsThatEscapeTheRootAreRefused() {
        assertThatThrownBy(() -> new SyncSet(List.of("../etc"), List.of(), List.of()))
                .isInstanceOf(PathEscapeException.class).hasMessageContaining("'..'");
        assertThatThrownBy(() -> new SyncSet(List.of("/etc/passwd"), List.of(), List.of()))
                .isInstanceOf(PathEscapeException.class).hasMessageContaining("absolute path");
        assertThatThrownBy(() -> new SyncSet(List.of("state/../../x"), List.of(), List.of()))
                .isInstanceOf(PathEscapeException.class);
    }

    @Test
    void aSnapshotRestoreRoundTrips() throws Exception {
        write(sites.primaryRoot(), "state/book", "version 1", "rw-r--r--");
        write(sites.primaryRoot(), ".env", "TOKEN=one", "rw-------");
        String v1 = engine.cycle(sites.primary, sites.standby, 1).snapshotId();
        write(sites.primaryRoot(), "state/book", "version 2, later", "rw-r--r--");
        write(sites.primaryRoot(), "state/extra", "only in 2", "rw-r--r--");
        String v2 = engine.cycle(sites.primary, sites.standby, 1).snapshotId();

        assertThat(engine.snapshots(sites.standby)).extracting(SnapshotInfo::id, SnapshotInfo::current)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(v1, false), org.assertj.core.groups.Tuple.tuple(v2, true));

        assertThat(engine.restore(sites.standby, v1, 1)).hasValueSatisfying(s -> assertThat(s.current()).isTrue());
        Path s = sites.standbyRoot();
        assertThat(s.resolve("state/book")).hasContent("version 1");
        assertThat(s.resolve("state/extra")).doesNotExist();
        assertThat(s.resolve(".env")).hasContent("TOKEN=one");

        engine.restore(sites.standby, v2, 1);
        assertThat(s.resolve("state/book")).hasContent("version 2, later");
        assertThat(s.resolve("state/extra")).hasContent("only in 2");
    }

    @Test
    void restoreRefusesIdsThatAreNotSnapshotsAndNewerEpochs() throws Exception {
        files(1);
        String id = engine.cycle(sites.primary, sites.standby, 3).snapshotId();

        assertThatThrownBy(() -> engine.restore(sites.standby, "../../etc", 3))
                .isInstanceOf(SyncRefused.class).hasMessageContaining("not a snapshot id");
        assertThat(engine.restore(sites.standby, "20200101T000000.000Z", 3)).isEmpty();
        assertThatThrownBy(() -> engine.restore(sites.standby, id, 2))
                .isInstanceOf(SyncRefused.class).hasMessageContaining("epoch 3").hasMessageContaining("epoch 2");
    }

    @Test
    void onlyTheConfiguredNumberOfSnapshotsIsKept() throws Exception {
        for (int v = 0; v < 5; v++) {
            write(sites.primaryRoot(), "state/book", "version " + v, "rw-r--r--");
            engine.cycle(sites.primary, sites.standby, 1);
        }
        assertThat(engine.snapshots(sites.standby)).hasSize(TwoSites.options().keep());
        assertThat(sites.standbyRoot().resolve("state/book")).hasContent("version 4");
    }
}
