package dev.baton.statesync.sync;

import static dev.baton.statesync.sync.TwoSites.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** What goes wrong in real transfers: cut connections, corrupted bytes, files changing while read. */
@ParameterizedClass(name = "{0}")
@EnumSource(value = Transport.class, names = {"SFTP", "STREAM"})
class SyncFailureTest {
    @Parameter
    Transport transport;

    private static final int FILES = 20;

    @TempDir
    Path dir;
    TwoSites sites;
    final AtomicInteger mismatches = new AtomicInteger();
    final AtomicInteger tornReads = new AtomicInteger();
    final SyncEngine.Events events = new SyncEngine.Events() {
        @Override
        public void checksumMismatch(String target) {
            mismatches.incrementAndGet();
        }

        @Override
        public void tornRead(String source) {
            tornReads.incrementAndGet();
        }
    };

    @BeforeEach
    void start() throws Exception {
        sites = new TwoSites(dir, transport);
    }

    @AfterEach
    void stop() throws Exception {
        sites.close();
    }

    private void writeVersion(String version) throws IOException {
        for (int i = 0; i < FILES; i++) {
            write(sites.primaryRoot(), "state/f" + i, version + "-" + i + "-" + "x".repeat(2000), "rw-r--r--");
        }
    }

    private long filesOnStandbyWith(String version) throws IOException {
        try (Stream<Path> files = Files.list(sites.standbyRoot().resolve("state"))) {
            return files.filter(f -> {
                try {
                    return Files.readString(f).startsWith(version + "-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).count();
        }
    }

    @Test
    void aTransferCutMidCycleLeavesThePreviousCompleteVersion() throws Exception {
        writeVersion("v1");
        try (SyncEngine engine = TwoSites.engine()) {
            engine.cycle(sites.primary, sites.standby, 1);
        }
        writeVersion("v2");
        AtomicInteger staged = new AtomicInteger();
        TransferHooks cutAfterFive = new TransferHooks() {
            @Override
            public void staged(String rel) {
                if (staged.incrementAndGet() == 5) {
                    try {
                        sites.stopStandby();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (SyncEngine engine = TwoSites.engine(cutAfterFive, events)) {
            assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                    .isInstanceOf(SyncFailed.class)
                    .hasMessageContaining("keeps its previous version");
        }
        assertThat(filesOnStandbyWith("v1")).isEqualTo(FILES);

        sites.restartStandby();
        try (SyncEngine engine = TwoSites.engine()) {
            CycleResult r = engine.cycle(sites.primary, sites.standby, 1);
            assertThat(r.files()).isEqualTo(FILES);
        }
        assertThat(filesOnStandbyWith("v2")).isEqualTo(FILES);
        try (Stream<Path> staging = Files.list(sites.standbyRoot().resolve(".baton/staging"))) {
            assertThat(staging).isEmpty();
        }
    }

    @Test
    void aChecksumMismatchIsDetectedAndTheFileWrittenAgain() throws Exception {
        write(sites.primaryRoot(), "state/positions.json", "{\"AAPL\":100}", "rw-r--r--");
        TransferHooks corruptFirstWrite = new TransferHooks() {
            @Override
            public OutputStream targetStream(String rel, int attempt, OutputStream out) {
                return attempt == 1 ? flipFirstByte(out) : out;
            }
        };
        try (SyncEngine engine = TwoSites.engine(corruptFirstWrite, events)) {
            engine.cycle(sites.primary, sites.standby, 1);
        }
        assertThat(mismatches).hasValue(1);
        assertThat(sites.standbyRoot().resolve("state/positions.json")).hasContent("{\"AAPL\":100}");
    }

    @Test
    void aChecksumThatNeverMatchesFailsTheCycleAndKeepsThePreviousVersion() throws Exception {
        write(sites.primaryRoot(), "state/positions.json", "{\"AAPL\":100}", "rw-r--r--");
        try (SyncEngine engine = TwoSites.engine()) {
            engine.cycle(sites.primary, sites.standby, 1);
        }
        write(sites.primaryRoot(), "state/positions.json", "{\"AAPL\":250}", "rw-r--r--");
        TransferHooks alwaysCorrupt = new TransferHooks() {
            @Override
            public OutputStream targetStream(String rel, int attempt, OutputStream out) {
                return flipFirstByte(out);
            }
        };
        try (SyncEngine engine = TwoSites.engine(alwaysCorrupt, events)) {
            assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                    .isInstanceOf(SyncFailed.class)
                    .hasMessageContaining("SHA-256 of state/positions.json");
        }
        assertThat(mismatches).hasValue(TwoSites.options().verifyAttempts());
        assertThat(sites.standbyRoot().resolve("state/positions.json")).hasContent("{\"AAPL\":100}");
    }

    @Test
    void aFileRewrittenWhileBeingReadIsReadAgainNotShippedTorn() throws Exception {
        write(sites.primaryRoot(), "state/book", "first version", "rw-r--r--");
        TransferHooks rewriteDuringFirstRead = new TransferHooks() {
            @Override
            public void sourceRead(String rel, int attempt) {
                if (attempt == 1) {
                    try {
                        write(sites.primaryRoot(), "state/book", "second, longer version", "rw-r--r--");
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
        };
        try (SyncEngine engine = TwoSites.engine(rewriteDuringFirstRead, events)) {
            engine.cycle(sites.primary, sites.standby, 1);
        }
        assertThat(tornReads.get()).isGreaterThanOrEqualTo(1);
        assertThat(sites.standbyRoot().resolve("state/book")).hasContent("second, longer version");
    }

    private static OutputStream flipFirstByte(OutputStream out) {
        return new FilterOutputStream(out) {
            private boolean flipped;

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (!flipped && len > 0) {
                    byte[] copy = b.clone();
                    copy[off] ^= 0x20;
                    flipped = true;
                    out.write(copy, off, len);
                } else {
                    out.write(b, off, len);
                }
            }
        };
    }
}
