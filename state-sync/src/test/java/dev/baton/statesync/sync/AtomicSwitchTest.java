package dev.baton.statesync.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A reader on the standby, reading while cycles switch versions under it, only ever sees whole
 * files, and all files of one version together.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TwoSites.Kind.class)
class AtomicSwitchTest {
    @Parameter
    TwoSites.Kind kind;

    private static final int FILES = 20;
    private static final int CYCLES = 5;

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

    private void writeVersion(int v) throws IOException {
        for (int i = 0; i < FILES; i++) {
            // every file ends with END so a half-written one is recognisable; sizes vary per version
            TwoSites.write(sites.primaryRoot(), "state/f" + i, v + ":" + "x".repeat(1000 * (v % 3 + 1)) + ":END",
                    "rw-r--r--");
        }
    }

    @Test
    void readersSeeWholeFilesOfOneVersion() throws Exception {
        writeVersion(0);
        engine.cycle(sites.primary, sites.standby, 1);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<String> problems = new ArrayList<>();
        Path state = sites.standbyRoot().resolve("state");

        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (!done.get() && problems.isEmpty()) {
                try {
                    Path version = state.toRealPath(); // what a process opening state/ now would see
                    Set<String> versions = new HashSet<>();
                    try (Stream<Path> files = Files.list(version)) {
                        for (Path f : files.toList()) {
                            String content = Files.readString(f);
                            if (!content.endsWith(":END")) {
                                problems.add("half-written " + f);
                            }
                            versions.add(content.substring(0, content.indexOf(':')));
                        }
                    }
                    if (versions.size() != 1) {
                        problems.add("mixed versions " + versions);
                    }
                    reads.incrementAndGet();
                } catch (NoSuchFileException pruned) {
                    // the version this reader resolved was pruned meanwhile (keep=3); resolve again
                } catch (IOException e) {
                    problems.add(e.toString());
                }
            }
        });
        for (int v = 1; v <= CYCLES; v++) {
            writeVersion(v);
            engine.cycle(sites.primary, sites.standby, 1);
        }
        done.set(true);
        reader.get();

        assertThat(problems).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(Files.readString(state.resolve("f0"))).startsWith(CYCLES + ":");
    }

    /**
     * The overlap made certain rather than hoped for: a reader has resolved {@code state/} and read half of its
     * files when a cycle switches the version under it; it finishes reading the version it started, whole, while a
     * new reader already sees the next version, whole.
     */
    @Test
    void aReaderHalfwayThroughAVersionWhenTheSwitchHappensFinishesThatVersion() throws Exception {
        writeVersion(1);
        engine.cycle(sites.primary, sites.standby, 1);
        Path state = sites.standbyRoot().resolve("state");
        CountDownLatch halfway = new CountDownLatch(1);
        CountDownLatch switched = new CountDownLatch(1);

        CompletableFuture<List<String>> reader = CompletableFuture.supplyAsync(() -> {
            try {
                Path version = state.toRealPath();
                List<Path> files;
                try (Stream<Path> listed = Files.list(version)) {
                    files = listed.sorted().toList();
                }
                List<String> contents = new ArrayList<>();
                for (int i = 0; i < files.size(); i++) {
                    if (i == files.size() / 2) {
                        halfway.countDown();
                        switched.await();
                    }
                    contents.add(Files.readString(files.get(i)));
                }
                return contents;
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        halfway.await();
        Path before = state.toRealPath();
        writeVersion(2);
        engine.cycle(sites.primary, sites.standby, 1);
        Path after = state.toRealPath();
        switched.countDown();

        assertThat(after).as("the cycle switched state/ to a new version while the reader was halfway").isNotEqualTo(before);
        assertThat(reader.get()).hasSize(FILES).allSatisfy(c -> assertThat(c).startsWith("1:").endsWith(":END"));
        try (Stream<Path> now = Files.list(after)) {
            assertThat(now.toList()).hasSize(FILES).allSatisfy(f -> assertThat(Files.readString(f)).startsWith("2:").endsWith(":END"));
        }
    }
}
