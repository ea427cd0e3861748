package dev.baton.statesync.sync;

import static dev.baton.statesync.sync.TwoSites.mode;
import static dev.baton.statesync.sync.TwoSites.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Replication between two real SFTP sites: content, modes, deletions, .env, both directions. */
@ParameterizedClass(name = "{0}")
@EnumSource(TwoSites.Kind.class)
class SyncEngineTest {
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

    @Test
    void filesModesAndEnvArriveOnTheStandby() throws Exception {
        Path p = sites.primaryRoot();
        write(p, "state/positions.json", "{\"AAPL\":100}", "rw-r-----");
        write(p, "state/orders/open.json", "[1,2]", "rw-r--r--");
        write(p, "state/run.sh", "#!/bin/sh", "rwxr-x---");
        write(p, "state/scratch.tmp", "excluded", "rw-r--r--");
        write(p, ".env", "BROKER_PASSWORD=hunter2", "rw-------");
        write(p, "backups/db-1.dump", "old", "rw-r--r--");
        write(p, "backups/db-2.dump", "new", "rw-r--r--");
        Files.setLastModifiedTime(p.resolve("backups/db-1.dump"), java.nio.file.attribute.FileTime.fromMillis(1_000_000));
        // an mtime well in the past, so a target that kept its write time instead of the source's cannot pass by
        // falling in the same second
        Files.setLastModifiedTime(p.resolve("state/positions.json"), java.nio.file.attribute.FileTime.fromMillis(1_764_000_000_000L));

        CycleResult r = engine.cycle(sites.primary, sites.standby, 1);

        Path s = sites.standbyRoot();
        assertThat(r.changed()).isTrue();
        assertThat(s.resolve("state/positions.json")).hasContent("{\"AAPL\":100}");
        assertThat(s.resolve("state/orders/open.json")).hasContent("[1,2]");
        assertThat(mode(s.resolve("state/positions.json"))).isEqualTo("rw-r-----");
        assertThat(mode(s.resolve("state/run.sh"))).isEqualTo("rwxr-x---");
        assertThat(s.resolve("state/scratch.tmp")).doesNotExist();
        assertThat(s.resolve(".env")).hasContent("BROKER_PASSWORD=hunter2");
        assertThat(mode(s.resolve(".env"))).isEqualTo("rw-------");
        assertThat(mode(s.resolve(".baton"))).isEqualTo("rwx------");
        assertThat(s.resolve(".baton/current/backups/db-2.dump")).hasContent("new");
        assertThat(s.resolve(".baton/current/backups/db-1.dump")).doesNotExist();
        assertThat(Files.getLastModifiedTime(s.resolve("state/positions.json")).toMillis() / 1000)
                .isEqualTo(Files.getLastModifiedTime(p.resolve("state/positions.json")).toMillis() / 1000);
        assertThat(s.resolve(".baton/epoch")).hasContent("1\n");
        assertThat(r.files()).isEqualTo(5);
    }

    @Test
    void changesAndDeletionsPropagateAndAnUnchangedSourceIsANoop() throws Exception {
        Path p = sites.primaryRoot();
        for (int i = 0; i < 4; i++) {
            write(p, "state/f" + i, "v1-" + i, "rw-r--r--");
        }
        engine.cycle(sites.primary, sites.standby, 1);
        assertThat(engine.cycle(sites.primary, sites.standby, 1).changed()).isFalse();

        write(p, "state/f0", "version two, longer", "rw-r--r--");
        Files.delete(p.resolve("state/f1"));
        CycleResult r = engine.cycle(sites.primary, sites.standby, 1);

        Path s = sites.standbyRoot();
        assertThat(r.changed()).isTrue();
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(s.resolve("state/f0")).hasContent("version two, longer");
        assertThat(s.resolve("state/f1")).doesNotExist();
        assertThat(s.resolve("state/f2")).hasContent("v1-2");
    }

    @Test
    void replicatesTheOtherWayAfterAFailover() throws Exception {
        write(sites.primaryRoot(), "state/book", "epoch-1", "rw-r--r--");
        engine.cycle(sites.primary, sites.standby, 1);

        // the standby is promoted (epoch 2), its engine writes through the synced layout
        write(sites.standbyRoot(), "state/book", "epoch-2 on standby", "rw-r--r--");
        write(sites.standbyRoot(), "state/new", "fresh", "rw-------");
        CycleResult r = engine.cycle(sites.standby, sites.primary, 2);

        assertThat(r.changed()).isTrue();
        assertThat(sites.primaryRoot().resolve("state/book")).hasContent("epoch-2 on standby");
        assertThat(mode(sites.primaryRoot().resolve("state/new"))).isEqualTo("rw-------");
        assertThat(sites.primaryRoot().resolve(".baton/epoch")).hasContent("2\n");
        assertThat(Files.isSymbolicLink(sites.primaryRoot().resolve("state"))).isTrue();
    }

    @Test
    void aStaleEpochIsRefusedNamingBothEpochs() throws Exception {
        write(sites.standbyRoot(), ".baton/epoch", "7\n", "rw-r--r--");
        write(sites.primaryRoot(), "state/book", "old primary's state", "rw-r--r--");

        assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 6))
                .isInstanceOf(SyncRefused.class)
                .hasMessageContaining("epoch 7").hasMessageContaining("epoch 6");
        assertThat(sites.standbyRoot().resolve("state")).doesNotExist();
    }
}
