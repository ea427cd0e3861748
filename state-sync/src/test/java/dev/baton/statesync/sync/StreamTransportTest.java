package dev.baton.statesync.sync;

import static dev.baton.statesync.sync.TwoSites.mode;
import static dev.baton.statesync.sync.TwoSites.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.ssh.SshEndpoint;
import dev.baton.common.testing.CommandHandler;
import dev.baton.common.testing.EmbeddedSshServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/** What only the stream transport does: the bulk goes through tar, and a site without a shell is named. */
class StreamTransportTest {
    @TempDir
    Path dir;

    /** Events that add up the files the stream transport delivered. */
    private static SyncEngine.Events countingStreamed(AtomicInteger streamed) {
        return new SyncEngine.Events() {
            @Override
            public void streamed(String target, int files) {
                streamed.addAndGet(files);
            }
        };
    }

    @Test
    void theStreamCarriesEveryChangedFileAndOnlyThose() throws Exception {
        AtomicInteger streamed = new AtomicInteger();
        SyncEngine.Events events = countingStreamed(streamed);
        try (TwoSites sites = new TwoSites(dir, Transport.STREAM);
                SyncEngine engine = TwoSites.engine(TransferHooks.NONE, events)) {
            Path p = sites.primaryRoot();
            for (int i = 0; i < 120; i++) {
                write(p, "state/d" + (i % 7) + "/f" + i + ".json", "{\"n\":" + i + "}", "rw-r-----");
            }
            write(p, "state/" + "long-name-".repeat(12) + ".json", "beyond ustar's 100 characters", "rw-r--r--");
            write(p, ".env", "BROKER_PASSWORD=hunter2", "rw-------");

            CycleResult first = engine.cycle(sites.primary, sites.standby, 1);

            assertThat(first.files()).isEqualTo(122);
            assertThat(streamed).hasValue(122);
            Path s = sites.standbyRoot();
            assertThat(s.resolve("state/d3/f10.json")).hasContent("{\"n\":10}");
            assertThat(mode(s.resolve("state/d3/f10.json"))).isEqualTo("rw-r-----");
            assertThat(s.resolve("state/" + "long-name-".repeat(12) + ".json")).hasContent("beyond ustar's 100 characters");
            assertThat(mode(s.resolve(".env"))).isEqualTo("rw-------");
            assertThat(Files.getLastModifiedTime(s.resolve("state/d3/f10.json")).toMillis() / 1000)
                    .isEqualTo(Files.getLastModifiedTime(p.resolve("state/d3/f10.json")).toMillis() / 1000);

            write(p, "state/d0/f0.json", "{\"n\":\"changed\"}", "rw-r-----");
            Files.delete(p.resolve("state/d1/f1.json"));
            CycleResult second = engine.cycle(sites.primary, sites.standby, 1);

            assertThat(second.deleted()).isEqualTo(1);
            assertThat(s.resolve("state/d0/f0.json")).hasContent("{\"n\":\"changed\"}");
            assertThat(s.resolve("state/d1/f1.json")).doesNotExist();
            assertThat(streamed.get()).isGreaterThanOrEqualTo(123).isLessThan(122 + 122);
            // unchanged files are hard links into the previous snapshot, and the changed one did not write through
            Path snapshots = s.resolve(".baton/snapshots");
            String previous = engine.snapshots(sites.standby).get(0).id();
            String live = engine.snapshots(sites.standby).get(1).id();
            assertThat(Files.getAttribute(snapshots.resolve(live + "/state/d2/f2.json"), "unix:ino"))
                    .isEqualTo(Files.getAttribute(snapshots.resolve(previous + "/state/d2/f2.json"), "unix:ino"));
            assertThat(snapshots.resolve(previous + "/state/d0/f0.json")).hasContent("{\"n\":0}");
            assertThat(s.resolve(".baton/current/" + StreamCopy.LINKS)).doesNotExist();
            try (java.util.stream.Stream<Path> top = Files.list(s.resolve(".baton/current"))) {
                assertThat(top.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(StreamCopy.FLUSH));
            }
        }
    }

    @ParameterizedTest(name = "site {0} stops answering")
    @ValueSource(ints = {0, 1})
    @org.junit.jupiter.api.Timeout(120) // without the watchdog the cycle would wait forever: fail instead of hanging
    void aSiteThatStopsAnsweringMidStreamIsCutAfterTheStallTimeoutAndTheTargetKeepsItsVersion(int frozen)
            throws Exception {
        AtomicBoolean armed = new AtomicBoolean();
        try (TwoSites sites = new TwoSites(dir, Transport.STREAM)) {
            TransferHooks freezeAfterTheFirstFile = new TransferHooks() {
                @Override
                public void sourceRead(String rel, int attempt) {
                    if (armed.getAndSet(false)) {
                        sites.freeze(frozen, true); // the connection stays up; nothing moves any more
                    }
                }
            };
            SyncEngine.Options stallAfterOneSecond = new SyncEngine.Options(3, 0.5, 4, 5, 3, Duration.ofSeconds(2), false,
                    Duration.ofSeconds(1), Duration.ofMinutes(10));
            try (SyncEngine engine = TwoSites.engine(freezeAfterTheFirstFile, SyncEngine.Events.NONE, stallAfterOneSecond)) {
                Path p = sites.primaryRoot();
                // 10 MB: far more than SSH windows and pipes hold, so the stream is still running when it freezes
                byte[] content = new byte[256 * 1024];
                java.util.Random random = new java.util.Random(7);
                for (int i = 0; i < 40; i++) {
                    random.nextBytes(content);
                    Files.createDirectories(p.resolve("state"));
                    Files.write(p.resolve("state/f" + i + ".bin"), content);
                }
                engine.cycle(sites.primary, sites.standby, 1);
                byte[] before = Files.readAllBytes(sites.standbyRoot().resolve("state/f39.bin"));
                for (int i = 0; i < 40; i++) {
                    random.nextBytes(content);
                    Files.write(p.resolve("state/f" + i + ".bin"), content);
                }

                armed.set(true);
                assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                        .isInstanceOf(SyncFailed.class)
                        .hasMessageContaining("moved no data for 1000 ms (transfer.stall-timeout)")
                        .hasMessageContaining("standby keeps its previous version");
                assertThat(Files.readAllBytes(sites.standbyRoot().resolve("state/f39.bin"))).isEqualTo(before);

                sites.freeze(frozen, false);
                engine.cycle(sites.primary, sites.standby, 1);
                assertThat(Files.readAllBytes(sites.standbyRoot().resolve("state/f39.bin")))
                        .isEqualTo(Files.readAllBytes(p.resolve("state/f39.bin")));
            }
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(120) // without the deadline the listing would wait forever: fail instead of hanging
    void aCommandOnASiteThatStopsAnsweringIsCutAtTheCommandTimeout() throws Exception {
        SyncEngine.Options commandsWithinOneSecond = new SyncEngine.Options(3, 0.5, 4, 5, 3, Duration.ofSeconds(2), false,
                Duration.ofSeconds(30), Duration.ofSeconds(1));
        try (TwoSites sites = new TwoSites(dir, Transport.STREAM);
                SyncEngine engine = TwoSites.engine(TransferHooks.NONE, SyncEngine.Events.NONE, commandsWithinOneSecond)) {
            Path p = sites.primaryRoot();
            write(p, "state/a.json", "{\"v\":1}", "rw-r-----");
            engine.cycle(sites.primary, sites.standby, 1);
            write(p, "state/a.json", "{\"v\":2}", "rw-r-----");

            sites.freeze(0, true); // the cycle's first command, the listing, never answers
            assertThatThrownBy(() -> engine.cycle(sites.primary, sites.standby, 1))
                    .isInstanceOf(SyncFailed.class)
                    .hasMessageContaining("still running after 1000 ms (transfer.command-timeout) was cut");
            assertThat(sites.standbyRoot().resolve("state/a.json")).hasContent("{\"v\":1}");

            sites.freeze(0, false);
            engine.cycle(sites.primary, sites.standby, 1);
            assertThat(sites.standbyRoot().resolve("state/a.json")).hasContent("{\"v\":2}");
        }
    }

    @Test
    void aBigCopyGoesAsTwoStreamsAndArrivesWhole() throws Exception {
        AtomicInteger streamed = new AtomicInteger();
        SyncEngine.Events events = countingStreamed(streamed);
        try (TwoSites sites = new TwoSites(dir, Transport.STREAM);
                SyncEngine engine = TwoSites.engine(TransferHooks.NONE, events)) {
            Path p = sites.primaryRoot();
            java.util.Random random = new java.util.Random(1);
            byte[] data = new byte[60 * 1024];
            for (int i = 0; i < 300; i++) { // 18 MB, 300 files: split in two, flushed with one syncfs
                random.nextBytes(data);
                Path f = p.resolve("state/d" + (i % 3) + "/f" + i + ".bin");
                Files.createDirectories(f.getParent());
                Files.write(f, data);
            }

            CycleResult r = engine.cycle(sites.primary, sites.standby, 1);

            assertThat(r.files()).isEqualTo(300);
            assertThat(streamed).hasValue(300);
            for (int i = 0; i < 300; i += 37) {
                String rel = "state/d" + (i % 3) + "/f" + i + ".bin";
                assertThat(sites.standbyRoot().resolve(rel)).hasSameBinaryContentAs(p.resolve(rel));
            }
            try (java.util.stream.Stream<Path> top = Files.list(sites.standbyRoot().resolve(".baton/current"))) {
                assertThat(top.map(f -> f.getFileName().toString())).noneMatch(n -> n.startsWith(StreamCopy.FLUSH));
            }
        }
    }

    @Test
    void streamRequiredOnASiteWithoutAShellFailsNamingWhatIsMissing() throws Exception {
        try (EmbeddedSshServer server = EmbeddedSshServer.start(dir.resolve("sftp-only"), CommandHandler.NONE);
                dev.baton.common.ssh.SshConnector connector = new dev.baton.common.ssh.SshConnector();
                Site site = new Site("standby", new SshEndpoint(server.host(), server.port(), server.user(),
                        server.privateKey(), server.knownHosts()), "/", connector, Duration.ofSeconds(10), 1,
                        Transport.STREAM)) {
            assertThatThrownBy(site::streams)
                    .isInstanceOf(SyncFailed.class)
                    .hasMessageContaining("transport=stream needs a shell with GNU tar");
        }
    }

    @Test
    void autoFallsBackToSftpOnASiteWithoutAShell() throws Exception {
        try (EmbeddedSshServer server = EmbeddedSshServer.start(dir.resolve("sftp-only"), CommandHandler.NONE);
                dev.baton.common.ssh.SshConnector connector = new dev.baton.common.ssh.SshConnector();
                Site site = new Site("standby", new SshEndpoint(server.host(), server.port(), server.user(),
                        server.privateKey(), server.knownHosts()), "/", connector, Duration.ofSeconds(10), 1,
                        Transport.AUTO)) {
            assertThat(site.streams()).isFalse();
        }
    }
}
