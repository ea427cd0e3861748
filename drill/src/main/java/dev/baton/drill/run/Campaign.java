package dev.baton.drill.run;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.function.Function;

/**
 * The frame of a chaos campaign, loopback or namespace world: N runs from one seed, one world serving them all (reset
 * to its baseline through Baton's operator API between runs, replaced by a fresh one after a run that failed, which
 * counts as that run's error), one summary line per run. {@code onlyRun} K &gt; 0 runs K alone, with the seed it has
 * in the whole campaign. Each world may have a companion ({@code C}: the namespace world's {@link History}) that
 * lives and dies with it. A campaign split over several processes ({@code --parallel}, one namespace world each) gives each
 * its {@link Share}: every run keeps the index and seed it has in the whole campaign.
 */
public final class Campaign<C extends AutoCloseable> {

    /** What a run is: its name in the summary, the line that announces it, and the run itself. */
    public record Plan<C>(String name, String announce, Body<C> body) {
    }

    /** A run against the world (and the world's companion). */
    @FunctionalInterface
    public interface Body<C> {
        DrillReport run(DrillWorld world, C companion) throws Exception;
    }

    /**
     * Which runs of the campaign this process does: those whose index (from 0) is {@code worker} modulo {@code of}.
     * {@link #ALL} is every run.
     */
    public record Share(int worker, int of) {
        public static final Share ALL = new Share(0, 1);

        public Share {
            if (of < 1 || worker < 0 || worker >= of) {
                throw new IllegalArgumentException("a share is worker W of P with 0 <= W < P: " + worker + "/" + of);
            }
        }

        /** {@code W/P} as {@code --worker} takes it. */
        public static Share parse(String s) {
            String[] parts = s.split("/");
            if (parts.length != 2) {
                throw new IllegalArgumentException("--worker takes W/P: " + s);
            }
            return new Share(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
        }

        boolean has(int index) {
            return index % of == worker;
        }

        @Override
        public String toString() {
            return of == 1 ? "every run" : "worker " + (worker + 1) + " of " + of + ": runs " + (worker + 1) + ", " + (worker + 1 + of) + ", ...";
        }
    }

    private final Path repo;
    private final Path dir;
    private final PrintStream out;
    private final Places places;
    private final Function<DrillWorld, C> companionOf;
    private DrillWorld world;
    private C companion;
    private int worlds;

    public Campaign(Path repo, Path dir, PrintStream out, Places places, Function<DrillWorld, C> companionOf) {
        this.repo = repo;
        this.dir = dir;
        this.out = out;
        this.places = places;
        this.companionOf = companionOf;
    }

    /**
     * Runs those of {@code runs} runs planned from {@code seed} that are in {@code share} ({@code plan} gets the run's
     * index, from 0, and its own seed).
     */
    public void run(int runs, long seed, int onlyRun, Share share, ChaosSummary summary,
            java.util.function.BiFunction<Integer, Long, Plan<C>> plan) throws Exception {
        Random random = new Random(seed);
        try {
            for (int i = 0; i < runs; i++) {
                long runSeed = random.nextLong();
                Plan<C> p = plan.apply(i, runSeed);
                if (onlyRun > 0 && i + 1 != onlyRun || onlyRun == 0 && !share.has(i)) {
                    continue;
                }
                out.printf("%n== chaos run %d/%d: %s%n", i + 1, runs, p.announce());
                long runStart = System.nanoTime();
                try {
                    DrillReport rep = p.body().run(world(), companion);
                    rep.print(out);
                    summary.add(i + 1, p.name(), runSeed, rep, Duration.ofNanos(System.nanoTime() - runStart));
                } catch (Exception e) {
                    out.println("   ERROR " + e);
                    summary.error(i + 1, p.name(), runSeed, String.valueOf(e.getMessage()));
                    if (world != null) {
                        out.println("   the world is replaced by a fresh one; the old one's logs stay in " + world.dir());
                        discard();
                    }
                }
            }
        } finally {
            discard();
        }
    }

    /** How many worlds the campaign started. */
    public int worlds() {
        return worlds;
    }

    private DrillWorld world() throws Exception {
        if (world == null) {
            world = DrillWorld.start(repo, dir.resolve("world-" + ++worlds), out, places);
            companion = companionOf.apply(world);
        } else {
            world.reset(Duration.ofSeconds(180));
        }
        return world;
    }

    private void discard() throws Exception {
        if (companion != null) {
            companion.close();
            companion = null;
        }
        if (world != null) {
            world.close();
            world = null;
        }
    }
}
