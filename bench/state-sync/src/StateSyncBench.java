import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.statesync.sync.CycleResult;
import dev.baton.statesync.sync.Site;
import dev.baton.statesync.sync.SyncEngine;
import dev.baton.statesync.sync.SyncSet;
import dev.baton.statesync.sync.TransferHooks;
import dev.baton.statesync.sync.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * state-sync vs rsync over OpenSSH on loopback; see run.sh. Both copy from a source root to a target
 * root on the same sshd: rsync pushes local files through one ssh connection, state-sync lists the
 * source over SFTP and copies with the configured transport (default auto = a tar stream over an exec
 * channel on each side; TRANSPORT=sftp for per-file SFTP), two sessions, as it does between two sites.
 */
public class StateSyncBench {
    private final int port;
    private final String user;
    private final Path key;
    private final Path knownHosts;
    private final Path work;
    private final SshConnector connector = new SshConnector();
    private final Random random = new Random(42);
    private int channels = 8;
    private final Transport transport = Transport.valueOf(System.getenv().getOrDefault("TRANSPORT", "auto")
            .toUpperCase(java.util.Locale.ROOT));
    private long seq;
    private final java.util.concurrent.atomic.AtomicInteger lagFailures = new java.util.concurrent.atomic.AtomicInteger();

    StateSyncBench(String[] a) {
        port = Integer.parseInt(a[0]);
        user = a[1];
        key = Path.of(a[2]);
        knownHosts = Path.of(a[3]);
        work = Path.of(a[4]);
    }

    public static void main(String[] a) throws Exception {
        quietLogging();
        new StateSyncBench(a).run(Integer.parseInt(a[5]), Integer.parseInt(a[6]), Integer.parseInt(a[7]),
                Integer.parseInt(a[8]), Integer.parseInt(a[9]));
        System.exit(0);
    }

    void run(int files, int fileKb, int lagFiles, int lagSeconds, int parallelism) throws Exception {
        channels = parallelism;
        SyncEngine engine = engine(parallelism);
        Path src = dir("src");
        generate(src, files, fileKb);
        System.out.printf("data: %,d files of %d KiB in state/ (%,d MB) + .env%n", files, fileKb, (long) files * fileKb / 1024);
        Thread.sleep(2500); // out of the racy window: a first copy of settled data

        Site source = site("src", src);
        source.sftp(); // connection set-up is not part of a cycle (sessions are kept open)
        System.out.printf("transport: %s (source streams: %s)%n", transport, source.streams());
        warmUp(parallelism);

        // (a) and (b) run ROUNDS times, rsync and state-sync taking turns; the median ratio is the result. Before
        // each timed run every dirty page is written back (untimed), so neither pays for the other's writes: rsync
        // never fsyncs, state-sync flushes what it staged before it switches, and a flush takes all dirty pages.
        int rounds = Integer.parseInt(System.getenv().getOrDefault("ROUNDS", "3"));
        List<Double> ratiosA = new ArrayList<>();
        Path dstRsync = null;
        Path dstBaton = null;
        Site target = null;
        for (int r = 1; r <= rounds; r++) {
            if (target != null) {
                engine.awaitPrune(target.name()); // it lists the snapshots of the tree deleted next
                target.close();
                deleteTree(dstRsync);
                deleteTree(dstBaton);
            }
            dstRsync = dir("dst-rsync-" + r);
            dstBaton = dir("dst-baton-" + r);
            target = site("dst-" + r, dstBaton);
            target.sftp();
            ratiosA.add(race("(a) first copy, round " + r, "goal: within 1.5x of rsync", "a-", engine, src, source,
                    target, dstRsync, dstBaton));
        }
        System.out.printf("(a) first copy: median %.2fx rsync over %d rounds (goal: within 1.5x)%n", median(ratiosA),
                rounds);

        // (b) 1% of the files rewritten (same size, new content; another 1% each round)
        List<Double> ratiosB = new ArrayList<>();
        for (int r = 1; r <= rounds; r++) {
            for (int i = r; i < files; i += 100) {
                rewrite(src.resolve(name(i)), fileKb);
            }
            ratiosB.add(race("(b) 1% changed, round " + r, "goal: no slower than rsync", "b-", engine, src, source,
                    target, dstRsync, dstBaton));
        }
        System.out.printf("(b) 1%% changed: median %.2fx rsync over %d rounds (goal: no slower)%n", median(ratiosB),
                rounds);
        Thread.sleep(2500);
        engine.cycle(source, target, 1); // settle racy entries
        Path toRsync = dstRsync;
        Site to = target;
        double rsyncIdle = time(() -> rsync(src, toRsync));
        double batonIdle = time(() -> cycle(engine, source, to));
        report("    nothing changed (one poll)", rsyncIdle, batonIdle, "");
        source.close();
        target.close();
        engine.close();

        // (c) lag with a writer rewriting 10 files every 100 ms in a 1,000-file state dir
        Path lagSrc = dir("lag-src");
        generate(lagSrc, lagFiles, 1);
        Path lagBaton = dir("lag-dst-baton");
        Path lagRsync = dir("lag-dst-rsync");
        Thread.sleep(2500);
        SyncEngine lagEngine = engine(parallelism);
        Site ls = site("lag-src", lagSrc);
        Site lt = site("lag-dst", lagBaton);
        lagEngine.cycle(ls, lt, 1);
        rsync(lagSrc, lagRsync);
        List<Double> baton = lag("state-sync", lagSrc, lagBaton, lagFiles, lagSeconds, () -> {
            try {
                // as the service's loop: the next poll at once after a cycle that changed the target,
                // else after the default 200 ms interval
                if (!lagEngine.cycle(ls, lt, 1).changed()) {
                    Thread.sleep(200);
                }
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (Exception e) {
                // as the service: the failure is reported and the next tick tries again
                lagFailures.incrementAndGet();
                System.out.println("    state-sync cycle failed (retried): " + e.getMessage());
                try {
                    Thread.sleep(200);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                return false;
            }
        });
        List<Double> rs = lag("rsync", lagSrc, lagRsync, lagFiles, lagSeconds, () -> rsync(lagSrc, lagRsync));
        System.out.printf("load average during the run: %s; state-sync cycles failed during (c): %d%n",
                Files.readString(Path.of("/proc/loadavg")).trim(), lagFailures.get());
        System.out.printf("(c) lag, 10 files rewritten every 100 ms, %,d-file state dir, %d s: rsync in a back-to-back loop"
                + " p50 %.0f ms, p99 %.0f ms, max %.0f ms (%d samples); state-sync (200 ms idle poll) p50 %.0f ms,"
                + " p99 %.0f ms, max %.0f ms (%d samples); goal: state-sync p99 < 1000 ms%n",
                lagFiles, lagSeconds, pct(rs, 0.5), pct(rs, 0.99), pct(rs, 1), rs.size(),
                pct(baton, 0.5), pct(baton, 0.99), pct(baton, 1), baton.size());
        lagEngine.close();
    }

    /**
     * A running service's JVM has compiled its transfer code (SSH crypto, tar, SHA-256) long before a
     * big copy; a fresh JVM interprets it for the first seconds and spends CPU compiling it (C2 alone took
     * 1.5 of the 4.2 CPU-seconds the JVM used in (a) after a 3-cycle warm-up). So: rounds of a first copy of
     * a separate 1,000-file set (big enough to be split over two streams) plus three incremental cycles, until
     * a round adds less than 100 ms of JIT compilation (at most WARMUP rounds, default 8; 0 = none). Not
     * timed. rsync is a native program and needs none.
     */
    private void warmUp(int parallelism) throws Exception {
        int rounds = Integer.parseInt(System.getenv().getOrDefault("WARMUP", "8"));
        if (rounds == 0) {
            return;
        }
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        Path from = dir("warm-src");
        generate(from, 1000, 20);
        Thread.sleep(2500);
        int done = 0;
        long compiled = 0;
        List<Site> targets = new ArrayList<>();
        try (AutoCloseable closeSites = () -> closeAll(targets); SyncEngine e = engine(parallelism);
                Site s = site("warm-src", from)) {
            for (int r = 0; r < rounds; r++) {
                long before = jit.getTotalCompilationTime();
                Site t = site("warm-dst-" + r, dir("warm-dst-" + r));
                targets.add(t);
                e.cycle(s, t, 1);
                for (int c = 0; c < 3; c++) {
                    for (int i = r + c; i < 1000; i += 10) {
                        rewrite(from.resolve(name(i)), 20);
                    }
                    e.cycle(s, t, 1);
                }
                done++;
                compiled = jit.getTotalCompilationTime() - before;
                if (compiled < 100) {
                    break;
                }
            }
        } // the engine closes first: it waits for its background pruning, which uses the sites
        for (int r = 0; r < done; r++) {
            deleteTree(work.resolve("warm-dst-" + r));
        }
        deleteTree(from);
        System.out.printf("JVM warmed up: %d rounds of a separate 1,000-file set (not timed); the last added %d ms of"
                + " JIT compilation%n", done, compiled);
    }

    private SyncEngine engine(int parallelism) throws Exception {
        return new SyncEngine(new SyncSet(List.of("state", ".env"), List.of(), List.of()),
                new SyncEngine.Options(5, 0.5, parallelism, 5, 3, Duration.ofSeconds(2), false, Duration.ofSeconds(30), Duration.ofMinutes(10)),
                TransferHooks.NONE, SyncEngine.Events.NONE, Clock.systemUTC());
    }

    private Site site(String name, Path root) {
        return new Site(name, new SshEndpoint("127.0.0.1", port, user, key, knownHosts), root.toString(), connector,
                Duration.ofSeconds(10), channels, transport);
    }

    private Path dir(String name) throws IOException {
        return Files.createDirectories(work.resolve(name));
    }

    private static String name(int i) {
        return String.format("state/d%03d/f%05d.bin", i / 100, i);
    }

    private void generate(Path root, int files, int kb) throws IOException {
        byte[] buf = new byte[kb * 1024];
        for (int i = 0; i < files; i++) {
            Path p = root.resolve(name(i));
            Files.createDirectories(p.getParent());
            random.nextBytes(buf);
            Files.write(p, buf);
        }
        Path env = root.resolve(".env");
        Files.writeString(env, "BROKER_PASSWORD=bench\n");
        Files.setPosixFilePermissions(env, PosixFilePermissions.fromString("rw-------"));
    }

    private void rewrite(Path p, int kb) throws IOException {
        byte[] buf = new byte[kb * 1024];
        random.nextBytes(buf);
        Files.write(p, buf);
    }

    private boolean rsync(Path from, Path to) {
        try {
            Process p = new ProcessBuilder("rsync", "-a", "--delete", "-e",
                    "ssh -p " + port + " -i " + key + " -o UserKnownHostsFile=" + knownHosts
                            + " -o StrictHostKeyChecking=yes -o BatchMode=yes",
                    from.resolve("state").toString(), from.resolve(".env").toString(), user + "@127.0.0.1:" + to + "/")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            // 24 = "some files vanished before they could be transferred": the writer's temp files, expected
            if (p.waitFor() != 0 && p.exitValue() != 24) {
                throw new IllegalStateException("rsync exited " + p.exitValue());
            }
            return true;
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean cycle(SyncEngine engine, Site s, Site t) {
        try {
            CycleResult r = engine.cycle(s, t, 1);
            return r.changed();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static double time(BooleanSupplier run) {
        writeBack();
        long[] cpu0 = cpu();
        long t0 = System.nanoTime();
        run.getAsBoolean();
        double wall = (System.nanoTime() - t0) / 1e9;
        long[] cpu1 = cpu();
        lastCpu = String.format("CPU-s: this JVM %.2f, its children (rsync, ssh) %.2f, sshd and its children %.2f",
                (cpu1[0] - cpu0[0]) / TICKS, (cpu1[1] - cpu0[1]) / TICKS, (cpu1[2] - cpu0[2]) / TICKS);
        return wall;
    }

    /** {@code sync}: every dirty page written back, untimed, before a timed run. */
    private static void writeBack() {
        try {
            new ProcessBuilder("sync").inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeAll(List<Site> sites) {
        sites.forEach(Site::close);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * One timed rsync into {@code dstRsync}, then one timed state-sync cycle into {@code target}; prints
     * both with their CPU-seconds, checks both copies equal the source, returns state-sync's time / rsync's.
     */
    private double race(String what, String goal, String markPrefix, SyncEngine engine, Path src, Site source,
            Site target, Path dstRsync, Path dstBaton) throws IOException {
        double rsync = time(() -> rsync(src, dstRsync));
        String rsyncCpu = lastCpu;
        mark(markPrefix + "start");
        double baton = time(() -> cycle(engine, source, target));
        mark(markPrefix + "end");
        report(what, rsync, baton, goal);
        printCpu(rsyncCpu);
        verifySame(src, dstBaton, dstRsync);
        return baton / rsync;
    }

    private static final double TICKS = 100.0; // USER_HZ
    private static String lastCpu = "";

    /**
     * CPU ticks: [this JVM's own, its reaped children's (rsync and ssh), the sshd's and every process under
     * it (sessions, tar, sftp-server), alive or reaped]. The sshd's pid comes from run.sh.
     */
    private static long[] cpu() {
        long[] self = stat("self");
        long sshd = 0;
        String pid = System.getenv("SSHD_PID");
        if (pid != null) {
            Map<String, String> parents = new java.util.HashMap<>();
            java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
            for (java.io.File f : procs == null ? new java.io.File[0] : procs) {
                long[] st = stat(f.getName());
                if (st != null) {
                    parents.put(f.getName(), Long.toString(st[4]));
                }
            }
            for (String p : parents.keySet()) {
                for (String a = p; a != null && !a.equals("0") && !a.equals("1"); a = parents.get(a)) {
                    if (a.equals(pid)) {
                        long[] st = stat(p);
                        // the sshd's own time is its accept loop; its reaped children's time is theirs
                        sshd += st == null ? 0 : (p.equals(pid) ? 0 : st[0]) + st[1];
                        break;
                    }
                }
            }
        }
        return new long[] {self[0], self[1], sshd};
    }

    /** [utime+stime, cutime+cstime, -, -, ppid] of /proc/<pid>/stat, or null when it is gone. */
    private static long[] stat(String pid) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            // after the comm: state(0) ppid(1) ... utime(11) stime(12) cutime(13) cstime(14)
            return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14]),
                0, 0, Long.parseLong(f[1])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static void report(String what, double rsync, double baton, String goal) {
        System.out.printf("%s: rsync %.2f s, state-sync %.2f s (%.2fx rsync) %s [load %s]%n", what, rsync, baton,
                baton / rsync, goal, loadAverage());
    }

    /**
     * Log levels as the service runs with (INFO, MINA at WARN). Without this the JBoss LogManager this
     * classpath brings has every level enabled outside Quarkus, and MINA formats a debug line and a hex
     * dump of every SSH packet: that, not the transfer, dominated the CPU in runs before 2026-11-30.
     * (state-sync's own messages go through the JDK's logging; run.sh's BENCH_DEBUG configures that.)
     */
    private static void quietLogging() {
        org.jboss.logmanager.LogContext logs = org.jboss.logmanager.LogContext.getLogContext();
        logs.getLogger("").setLevel(java.util.logging.Level.INFO);
        logs.getLogger("org.apache.sshd").setLevel(java.util.logging.Level.WARNING);
    }

    /** BENCH_MARK=<prefix>: touches <prefix><what>, for a profiler outside to know when (a)'s cycle runs. */
    private static void mark(String what) {
        String prefix = System.getenv("BENCH_MARK");
        if (prefix != null) {
            try {
                Files.writeString(Path.of(prefix + what), "");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static void printCpu(String rsyncCpu) {
        System.out.printf("    rsync      %s%n    state-sync %s%n", rsyncCpu, lastCpu);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void verifySame(Path src, Path a, Path b) throws IOException {
        for (String rel : new String[] {name(0), name(100), ".env"}) {
            byte[] want = Files.readAllBytes(src.resolve(rel));
            if (!java.util.Arrays.equals(want, Files.readAllBytes(a.resolve(rel)))
                    || !java.util.Arrays.equals(want, Files.readAllBytes(b.resolve(rel)))) {
                throw new IllegalStateException("copies differ at " + rel);
            }
        }
    }

    /**
     * Runs {@code replicate} in a loop while a writer rewrites 10 files every 100 ms; a checker reads the
     * target every 2 ms and records, per write, the time until the target shows that write (or a later one).
     */
    private List<Double> lag(String who, Path src, Path dst, int files, int seconds, BooleanSupplier replicate) throws Exception {
        Map<Integer, long[]> pending = new ConcurrentHashMap<>(); // file -> {seq, writtenAtNanos}
        List<Double> lags = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean stop = new AtomicBoolean();
        Thread loop = new Thread(() -> {
            while (!stop.get()) {
                replicate.getAsBoolean();
            }
        });
        Thread checker = new Thread(() -> {
            while (!stop.get()) {
                for (Map.Entry<Integer, long[]> e : pending.entrySet()) {
                    try {
                        String content = Files.readString(dst.resolve(name(e.getKey())));
                        long seen = Long.parseLong(content.substring(0, content.indexOf(':')));
                        long[] w = e.getValue();
                        if (seen >= w[0] && pending.remove(e.getKey(), w)) {
                            lags.add((System.nanoTime() - w[1]) / 1e6);
                        }
                    } catch (IOException | RuntimeException ignored) {
                        // not there yet / between versions
                    }
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        });
        loop.start();
        checker.start();
        Random r = new Random(7);
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            seq++;
            for (int k = 0; k < 10; k++) {
                int f = r.nextInt(files);
                Path p = src.resolve(name(f));
                Path tmp = p.resolveSibling(p.getFileName() + ".w");
                Files.writeString(tmp, seq + ":" + "y".repeat(900));
                Files.move(tmp, p, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                long[] prev = pending.put(f, new long[] {seq, System.nanoTime()});
                if (prev != null) {
                    // overwritten before it arrived: its lag runs until the newer write is visible, count it then
                    pending.put(f, new long[] {seq, prev[1]});
                }
            }
            Thread.sleep(100);
        }
        // let the last writes arrive
        long drain = System.nanoTime() + 10_000_000_000L;
        while (!pending.isEmpty() && System.nanoTime() < drain) {
            Thread.sleep(10);
        }
        stop.set(true);
        loop.join();
        checker.join();
        if (!pending.isEmpty()) {
            System.out.println("    " + who + ": " + pending.size() + " files' last writes had not arrived 10 s after the writer stopped");
        }
        return new ArrayList<>(lags);
    }

    private static double median(List<Double> values) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double pct(List<Double> values, double q) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        if (s.isEmpty()) {
            return Double.NaN;
        }
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(q * s.size()) - 1));
    }
}
