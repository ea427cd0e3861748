package dev.baton.drill.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How long the decider is without an acting leader when the leader dies: in a running drill world on the ZooKeeper
 * store, the leading coordinator is SIGKILLed; the clock stops when the other coordinator reports itself leader
 * (which it does only after writing its new term to the quorum, conditional on its own latch node). The killed one
 * is started again and the next run kills whichever leads. A program, not a test: its figures go to
 * docs/BENCHMARKS.md ({@code DrillMain leader-loss --runs 50}).
 */
public final class LeaderLossBenchmark {
    private LeaderLossBenchmark() {
    }

    public static boolean run(DrillWorld w, int runs, PrintStream out) throws Exception {
        if (!w.zookeeper()) {
            out.println("leader-loss needs the ZooKeeper store (the drill's default); this world runs " + w.store());
            return false;
        }
        List<Long> millis = new ArrayList<>();
        for (int i = 1; i <= runs; i++) {
            String leader = awaitLeader(w, Duration.ofSeconds(60))
                    .orElseThrow(() -> new IllegalStateException("no coordinator leads"));
            String other = w.coordinators().stream().filter(c -> !c.equals(leader)).findFirst().orElseThrow();
            long killed = System.nanoTime();
            w.crashService(leader);
            long deadline = killed + Duration.ofSeconds(60).toNanos();
            Optional<String> next = Optional.empty();
            while (System.nanoTime() < deadline && next.isEmpty()) {
                next = w.leader().filter(other::equals);
                if (next.isEmpty()) {
                    Thread.sleep(10);
                }
            }
            if (next.isEmpty()) {
                out.printf("run %d: %s killed, %s did not lead within 60 s%n", i, leader, other);
                return false;
            }
            long ms = (System.nanoTime() - killed) / 1_000_000;
            millis.add(ms);
            out.printf("run %d: %s killed -> %s leads after %d ms%n", i, leader, other, ms);
            w.restartService(leader);
        }
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        out.printf("leader loss -> new leader acting, %d runs, session timeout 3 s (servers' tick %d ms): p50 %d ms, p99 %d ms, "
                + "min %d ms, max %d ms%n", runs, ZooKeeperEnsemble.TICK_MS, pct(sorted, 50), pct(sorted, 99), sorted.get(0),
                sorted.get(sorted.size() - 1));
        return true;
    }

    private static Optional<String> awaitLeader(DrillWorld w, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<String> l = w.leader();
            if (l.isPresent()) {
                return l;
            }
            Thread.sleep(50);
        }
        return Optional.empty();
    }

    private static long pct(List<Long> sorted, int p) {
        int idx = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, idx)));
    }
}
