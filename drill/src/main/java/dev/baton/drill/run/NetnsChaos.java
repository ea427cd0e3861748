package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.drill.broker.BrokerSimulator;
import dev.baton.drill.netns.Nemesis;
import dev.baton.drill.netns.Topology;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The chaos campaign of the namespace world: each run a schedule of 1-3 faults drawn from its seed (network nemeses
 * between the places, SIGKILL and SIGSTOP of Baton's processes and of the engine, a ZooKeeper server's loss),
 * applied and healed on time, then the world left to settle and {@link History}'s checker run over what the sites
 * held; the broker's own record says whether two sessions were ever alive at once. Between runs the world goes back
 * to its baseline through Baton's operator API ({@link DrillWorld#reset}).
 *
 * <p>A failover is false when, for the 5 s before it started, a quorum of observers (2 of 3) could see the active
 * site UP: its engine alive and not stopped, and the paths between the observer's place and the active site's place
 * uncut. It was due when a quorum of live observers saw it DOWN for {@link #DUE_AFTER} in a row; the run then
 * reports whether it happened and its RTO (the first DOWN → the standby's engine logged in at the broker).
 */
public final class NetnsChaos {
    /** How long a quorum must have been unable to see the active site before a failover counts as due. */
    static final Duration DUE_AFTER = Duration.ofSeconds(8);
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private NetnsChaos() {
    }

    /** One fault of a schedule: what, when (after the run starts), for how long. */
    record Fault(String what, long atMs, long forMs) {
        @Override
        public String toString() {
            return what + " at " + atMs + " ms for " + forMs + " ms";
        }
    }

    /** The failover's steps in which {@code crash(leader@STEP)} kills the leading coordinator. */
    static final List<String> CRASH_STEPS = List.of("fence", "final-sync", "start", "wait-healthy", "dns");

    /** How long a {@code crash(leader@STEP)} waits for an operation to reach its step before it gives up, inert. */
    static final Duration CRASH_ARMED = Duration.ofSeconds(60);

    /** The faults a schedule draws from; the names are the run's scenario in the summary. */
    static final List<String> FAULTS = Stream.concat(Stream.of("partition(primary)", "partition(standby)",
            "partition(witness)", "bridge(primary<->standby)", "one-way(standby->primary)", "one-way(primary->standby)",
            "one-way(witness->primary)", "flap(primary)", "kill(engine)", "stop(engine)", "kill(leader)", "stop(leader)", "kill(state-sync)",
            "stop(state-sync)", "kill(notifier)", "kill(dns-manager)", "kill(zookeeper@witness)", "kill(zookeeper@standby)",
            "kill(health-checker-witness)", "kill(health-checker-standby)", "lose(primary)", "lose(witness)", "dns-errors", "full-disk(standby)"),
            CRASH_STEPS.stream().map(NetnsChaos::crash)).toList();

    static String crash(String step) {
        return "crash(leader@" + step + ")";
    }

    /** The faults that make the primary fail over by themselves: a {@code crash(leader@STEP)} needs one of them. */
    private static final Set<String> FAILOVER_CAUSES = Set.of("lose(primary)", "partition(primary)", "flap(primary)", "kill(engine)", "stop(engine)");

    /**
     * Faults that act on the same thing and so cannot overlap: routes for the same address in the same place (a
     * second {@code ip route add} fails, and one heal would undo the other), a place's port on the bridge, a process
     * that two heals would both start again (a lost place's, the one leader a fault remembers). At most one of each
     * group in a schedule.
     */
    static final List<Set<String>> CONFLICTS = List.of(
            Set.of("bridge(primary<->standby)", "one-way(standby->primary)", "one-way(primary->standby)"),
            Set.of("partition(primary)", "flap(primary)", "lose(primary)"),
            Set.of("lose(primary)", "kill(engine)"),
            Set.of("lose(primary)", "stop(engine)"),
            Set.of("partition(witness)", "lose(witness)"),
            Set.of("lose(witness)", "kill(health-checker-witness)"),
            Set.of("lose(witness)", "kill(zookeeper@witness)"),
            Set.of("kill(leader)", "stop(leader)"),
            Set.of("lose(witness)", "kill(leader)"),
            Set.of("lose(witness)", "stop(leader)"),
            Set.of("kill(state-sync)", "stop(state-sync)"),
            // one leader at a time is killed and started again; a lost witness takes its coordinator with it
            Stream.concat(Stream.of("kill(leader)", "stop(leader)", "lose(witness)"), CRASH_STEPS.stream().map(NetnsChaos::crash))
                    .collect(java.util.stream.Collectors.toSet()));

    /**
     * 1-3 distinct faults from {@code seed}, none two of one {@link #CONFLICTS} group, each starting within 6 s and
     * lasting 3-15 s. A {@code crash(leader@STEP)} needs a failover to crash into: without a fault that causes one,
     * the schedule also loses the primary, from the crash's start for 20 s.
     */
    static List<Fault> schedule(long seed) {
        Random r = new Random(seed);
        int n = 1 + r.nextInt(3);
        List<String> pool = new ArrayList<>(FAULTS);
        List<Fault> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String what = pool.remove(r.nextInt(pool.size()));
            for (Set<String> group : CONFLICTS) {
                if (group.contains(what)) {
                    pool.removeAll(group);
                }
            }
            out.add(new Fault(what, r.nextInt(6000), 3000 + r.nextInt(12000)));
        }
        Optional<Fault> crash = out.stream().filter(f -> f.what().startsWith("crash(")).findFirst();
        if (crash.isPresent() && out.stream().noneMatch(f -> FAILOVER_CAUSES.contains(f.what()))) {
            out.add(new Fault("lose(primary)", crash.get().atMs(), 20_000));
        }
        out.sort(Comparator.comparingLong(Fault::atMs));
        return out;
    }

    /** The runs of one campaign in one namespace world; see {@link dev.baton.drill.DrillMain}. */
    public static boolean campaign(Path repo, int runs, long seed, boolean keep, PrintStream out, Places places, int onlyRun,
            Campaign.Share share, Path jsonl) throws Exception {
        ChaosSummary summary = new ChaosSummary(jsonl, ChaosSummary.commitOf(repo), DrillWorld.storeMode(), "netns");
        Path dir = dev.baton.drill.DrillMain.workDirectory("baton-drill-netns", places);
        out.println("Baton drill chaos (namespace world): " + runs + " runs, seed " + seed + (onlyRun > 0 ? ", run " + onlyRun : ", " + share)
                + ", " + places.describe() + "; work directory " + dir);
        long started = System.nanoTime();
        Campaign<History> campaign = new Campaign<>(repo, dir, out, places, w -> new History(List.of(w.primary(), w.standby())));
        campaign.run(runs, seed, onlyRun, share, summary, (i, runSeed) -> {
            List<Fault> faults = schedule(runSeed);
            String name = String.join(" + ", faults.stream().map(Fault::what).toList());
            return new Campaign.Plan<>(name, "seed " + runSeed + ": " + faults, (world, history) -> run(world, history, faults, name, runSeed));
        });
        int worlds = campaign.worlds();
        out.printf("%n== chaos summary (namespace world): %d runs, seed %d, %d world(s), %.1f min%n", runs, seed, worlds,
                (System.nanoTime() - started) / 60e9);
        summary.print(out);
        if (!keep && summary.allPassed()) {
            dev.baton.drill.DrillMain.delete(dir);
        } else {
            out.println("logs and site directories kept in " + dir);
        }
        return summary.allPassed();
    }

    /** What is in force at an instant: the faults injected and not yet healed. */
    static final class InForce {
        final Set<String> faults = new HashSet<>();
        /** Intervals [from, to) in which a quorum could not see the active site UP (to null: still so). */
        final List<Instant[]> blind = new ArrayList<>();
        /** Intervals in which a quorum of live observers saw it DOWN: a failover is due once this lasts {@link #DUE_AFTER}. */
        final List<Instant[]> down = new ArrayList<>();
    }

    private static final java.util.regex.Pattern LEASE_GAP = java.util.regex.Pattern.compile("lease renewed after (\\d+\\.\\d+)s without a grant");

    static DrillReport run(DrillWorld world, History history, List<Fault> faults, String name, long runSeed) throws Exception {
        DrillReport rep = new DrillReport(name);
        Topology t = world.places().topology().orElseThrow();
        Instant start = Instant.now();
        long gateLog = world.primary().gateLogSize();
        world.timeline().record("chaos", "schedule: " + faults);
        record Event(long atMs, Fault fault, boolean inject) {
        }
        List<Event> events = new ArrayList<>();
        for (Fault f : faults) {
            events.add(new Event(f.atMs(), f, true));
            events.add(new Event(f.atMs() + f.forMs(), f, false));
        }
        events.sort(Comparator.comparingLong(Event::atMs));
        InForce now = new InForce();
        String[] leader = {null};
        List<StepCrash> crashes = new ArrayList<>();
        Nemesis.Flap flap = null;
        long nextFlip = Long.MAX_VALUE;
        int ev = 0;
        while (ev < events.size()) {
            long elapsed = Duration.between(start, Instant.now()).toMillis();
            Event next = events.get(ev);
            if (flap != null && nextFlip <= Math.min(next.atMs(), elapsed)) {
                flap.flip(t);
                world.timeline().record("fault", "flap(primary): the primary's WAN port " + (flap.isDown() ? "down" : "up"));
                track(now, flap.isDown() ? "partition(primary)" : null, flap.isDown() ? null : "partition(primary)");
                nextFlip += 1500;
                continue;
            }
            if (next.atMs() > elapsed) {
                Thread.sleep(Math.min(next.atMs() - elapsed, flap != null ? Math.max(1, nextFlip - elapsed) : Long.MAX_VALUE));
                continue;
            }
            ev++;
            String what = next.fault().what();
            if (next.inject()) {
                world.timeline().record("fault", what + " for " + next.fault().forMs() + " ms");
                if (what.equals("flap(primary)")) {
                    flap = Nemesis.flap("primary", Duration.ofMillis(1500), Duration.ofMillis(1500), 100);
                    flap.inject(t);
                    nextFlip = next.atMs() + 1500;
                    track(now, "partition(primary)", null);
                } else {
                    inject(world, t, next.fault(), leader, crashes);
                    track(now, what, null);
                }
            } else {
                world.timeline().record("heal", what);
                if (what.equals("flap(primary)")) {
                    flap.heal(t);
                    flap = null;
                    nextFlip = Long.MAX_VALUE;
                    track(now, null, "partition(primary)");
                } else {
                    heal(world, t, what, leader);
                    track(now, null, what);
                }
            }
        }
        for (StepCrash c : crashes) {
            c.awaitDone();
        }
        Instant healed = Instant.now();
        track(now, null, null);
        String state = settle(world, healed.plus(SETTLE));

        // ---- the checks
        int violations = world.violations().size();
        rep.figure("broker violations", String.valueOf(violations));
        rep.check("never two broker sessions at once", violations == 0, violations == 0 ? "the broker saw one session at a time"
                : world.violations().toString());
        History.Findings found = History.check(history.since(world.baseline().at()));
        rep.figure("epoch/term regressions", String.valueOf(found.epochRegressions().size()));
        rep.figure("state regressions", String.valueOf(found.stateRegressions().size()));
        rep.check("epochs and terms accepted by each site never decrease", found.epochRegressions().isEmpty(),
                found.epochRegressions().isEmpty() ? "monotonic at both sites" : String.join("; ", found.epochRegressions()));
        rep.check("no site's state goes backwards within an epoch", found.stateRegressions().isEmpty(),
                found.stateRegressions().isEmpty() ? "monotonic" : String.join("; ", found.stateRegressions()));

        List<Instant> failovers = failoverStarts(world, start);
        // the primary's gate stops its engine when no coordinator grants its lease (its place cut off from them): a real
        // stop the schedule did not inject, after which the primary is DOWN for everyone and a failover is due
        List<Instant> gateStops = world.primary().events().stream()
                .filter(e -> !e.running() && e.cause().startsWith("exited by itself") && !e.at().isBefore(start)).map(e -> e.at()).toList();
        rep.figure("engine stopped by its start gate", String.valueOf(gateStops.size()));
        // how close the lease came: the gate logs each grant that came after a round without one, with the gap
        java.util.regex.Matcher gap = LEASE_GAP.matcher(world.primary().gateLogSince(gateLog));
        double longest = -1;
        while (gap.find()) {
            longest = Math.max(longest, Double.parseDouble(gap.group(1)));
        }
        if (longest >= 0) {
            rep.figure("longest gap between lease grants", String.format(java.util.Locale.ROOT, "%.2f s", longest));
        }
        world.primary().events().stream().filter(e -> !e.at().isBefore(start))
                .forEach(e -> world.timeline().record("engine", "primary " + (e.running() ? "started" : "stopped") + " at " + e.at() + ": " + e.cause()));
        Corpus.directory().ifPresent(dir -> Corpus.write(world, dir, "netns-" + runSeed, start, healed,
                labels(now, gateStopped(world.primary().events(), start, healed), name, start, healed)).ifPresent(f -> rep.figure("replay corpus", f.getFileName().toString())));
        // (recorded here, after the run: each line carries its own time) a heartbeat that reached the broker after its
        // session had expired: a frozen engine resumed, or the last request of an engine that died behind a partition,
        // delivered by its kernel once the partition healed
        world.broker().lateHeartbeats().stream().filter(h -> !h.at().isBefore(start))
                .forEach(h -> world.timeline().record("broker", "heartbeat from " + h.engine() + "'s session " + h.silent().toMillis()
                        + " ms after it was last heard, expired: refused (409) at " + h.at()));
        int falseFailovers = 0;
        for (Instant f : failovers) {
            boolean selfFenced = gateStops.stream().anyMatch(g -> !g.isAfter(f) && g.isAfter(f.minusSeconds(15)));
            if (!near(now.blind, f.minusSeconds(5), f) && !selfFenced) {
                falseFailovers++;
            }
        }
        rep.figure("failover operations", String.valueOf(failovers.size()));
        rep.figure("false failovers", String.valueOf(falseFailovers));
        rep.check("no failover while a quorum could see the active site UP", falseFailovers == 0,
                failovers.isEmpty() ? "no failover" : failovers.size() + " failover(s), " + falseFailovers + " false");

        boolean active = state.equals("PRIMARY_ACTIVE") || state.equals("STANDBY_ACTIVE");
        // the outcome alert of an operation that ended DEGRADED says so ("State: DEGRADED")
        boolean degradedAlerted = state.equals("DEGRADED") && world.telegramMessagesSinceBaseline().stream().anyMatch(m -> m.contains("DEGRADED"));
        rep.check("no operation left half-done without DEGRADED and an alert", active || degradedAlerted,
                active ? "settled in " + state + ", one site trading" : degradedAlerted ? "DEGRADED, and the operators were alerted"
                        : "state " + state + " " + SETTLE.toSeconds() + " s after the last heal" + (state.equals("DEGRADED") ? " with no alert" : ""));

        Optional<Instant> due = firstDue(now.down);
        rep.figure("failover due", due.map(d -> "yes, from " + Duration.between(start, d).toMillis() + " ms").orElse("no"));
        if (due.isPresent()) {
            Optional<BrokerSimulator.Login> takeover = world.logins().stream()
                    .filter(l -> l.engine().contains("standby") && !l.at().isBefore(due.get().minus(DUE_AFTER))).findFirst();
            rep.figure("RTO (fault -> standby trading)", takeover.map(l -> Duration.between(due.get().minus(DUE_AFTER), l.at())).orElse(null));
            rep.figure("failover when due", takeover.isPresent() ? "happened" : "missed");
        }
        return rep;
    }

    private static void inject(DrillWorld world, Topology t, Fault fault, String[] leader, List<StepCrash> crashes) throws Exception {
        String what = fault.what();
        switch (what) {
            case "kill(engine)" -> world.primary().crashEngine();
            case "stop(engine)" -> world.primary().hangEngine();
            case "kill(leader)" -> {
                leader[0] = world.leader().orElse(DrillWorld.COORDINATOR);
                world.crashService(leader[0]);
            }
            case "stop(leader)" -> {
                leader[0] = world.leader().orElse(DrillWorld.COORDINATOR);
                world.service(leader[0]).signal("STOP");
            }
            case "kill(state-sync)", "kill(notifier)", "kill(dns-manager)", "kill(health-checker-witness)", "kill(health-checker-standby)" ->
                    world.crashService(inside(what));
            case "stop(state-sync)" -> world.service("state-sync").signal("STOP");
            case "lose(primary)", "lose(witness)" -> world.losePlace(inside(what));
            // the DNS provider's API answers 500, 500, 429, 500 to the next four calls
            case "dns-errors" -> world.cloudflare().failNext(List.of(500, 500, 429, 500));
            // no byte left on the standby site's disk: replication into it fails, so does writing the epoch there, and an
            // engine started there cannot save its state
            case "full-disk(standby)" -> {
                dev.baton.drill.netns.SmallDisk disk = world.standbyDisk().orElseThrow();
                world.timeline().record("fault", "the standby site's disk full: " + disk.fill() + " bytes of filler");
            }
            case "kill(zookeeper@witness)", "kill(zookeeper@standby)" -> {
                if (world.ensemble() != null) {
                    world.ensemble().server(inside(what).substring("zookeeper@".length())).kill();
                }
            }
            default -> {
                if (what.startsWith("crash(leader@")) {
                    crashes.add(StepCrash.arm(world, inside(what).substring("leader@".length()), fault.forMs()));
                } else {
                    nemesis(what).inject(t);
                }
            }
        }
    }

    private static void heal(DrillWorld world, Topology t, String what, String[] leader) throws Exception {
        switch (what) {
            // the restart policy brings the engine back; its start gate decides whether it may trade
            case "kill(engine)" -> world.primary().bringBackEngine();
            case "stop(engine)" -> world.primary().resumeEngine();
            case "kill(leader)" -> world.startService(leader[0]);
            case "stop(leader)" -> world.service(leader[0]).signal("CONT");
            case "kill(state-sync)", "kill(notifier)", "kill(dns-manager)", "kill(health-checker-witness)", "kill(health-checker-standby)" ->
                    world.startService(inside(what));
            case "stop(state-sync)" -> world.service("state-sync").signal("CONT");
            case "lose(primary)", "lose(witness)" -> world.restorePlace(inside(what));
            case "dns-errors" -> world.cloudflare().failNext(List.of());
            case "full-disk(standby)" -> world.standbyDisk().orElseThrow().drain();
            case "kill(zookeeper@witness)", "kill(zookeeper@standby)" -> {
                if (world.ensemble() != null) {
                    world.ensemble().restartDead();
                }
            }
            default -> {
                // a crash(leader@STEP) heals itself: it starts the coordinator it killed again
                if (!what.startsWith("crash(leader@")) {
                    nemesis(what).heal(t);
                }
            }
        }
    }

    /**
     * {@code crash(leader@STEP)}: the leading coordinator SIGKILLed as soon as it has begun the running operation's
     * step named STEP (the journal says RUNNING), started again {@code downMs} later; the other coordinator, or the
     * restarted one, must resume the operation from its journal. Inert (and said so in the timeline) when no
     * operation reaches that step within {@link #CRASH_ARMED}.
     */
    static final class StepCrash implements Runnable {
        private final DrillWorld world;
        private final String step;
        private final long downMs;
        private Thread thread;

        private StepCrash(DrillWorld world, String step, long downMs) {
            this.world = world;
            this.step = step;
            this.downMs = downMs;
        }

        static StepCrash arm(DrillWorld world, String step, long downMs) {
            StepCrash c = new StepCrash(world, step, downMs);
            c.thread = new Thread(c, "crash-leader-at-" + step);
            c.thread.setDaemon(true);
            c.thread.start();
            return c;
        }

        @Override
        public void run() {
            long until = System.nanoTime() + CRASH_ARMED.toNanos();
            try {
                while (System.nanoTime() < until) {
                    Optional<String> leader = world.leader();
                    if (leader.isPresent() && inStep(world.service(leader.get()).url())) {
                        world.crashService(leader.get());
                        world.timeline().record("fault", "crash(leader@" + step + "): " + leader.get() + " killed in step " + step);
                        Thread.sleep(downMs);
                        world.startService(leader.get());
                        return;
                    }
                    Thread.sleep(100);
                }
                world.timeline().record("fault", "crash(leader@" + step + "): no operation reached " + step + " in "
                        + CRASH_ARMED.toSeconds() + " s; nothing killed");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                world.timeline().record("fault", "crash(leader@" + step + ") failed: " + e);
            }
        }

        /** Whether the coordinator at {@code url} runs an operation whose step {@code step} has begun and not ended. */
        private boolean inStep(String url) {
            JsonNode status = world.get(url + "/api/v1/status");
            String op = status == null ? null : status.path("currentOperation").asText(null);
            if (op == null || op.equals("null")) {
                return false;
            }
            JsonNode operation = world.get(url + "/api/v1/operations/" + op);
            if (operation == null) {
                return false;
            }
            for (JsonNode s : operation.path("steps")) {
                if (step.equals(s.path("name").asText()) && "RUNNING".equals(s.path("status").asText())) {
                    return true;
                }
            }
            return false;
        }

        /** Waits until the crash has fired and its coordinator was started again, or it gave up. */
        void awaitDone() throws InterruptedException {
            thread.join(CRASH_ARMED.plus(Duration.ofSeconds(20)).toMillis());
        }
    }

    private static String inside(String what) {
        return what.substring(what.indexOf('(') + 1, what.length() - 1);
    }

    static Nemesis nemesis(String what) {
        return switch (what) {
            case "partition(primary)" -> Nemesis.partition("primary");
            case "partition(standby)" -> Nemesis.partition("standby");
            case "partition(witness)" -> Nemesis.partition("witness");
            case "bridge(primary<->standby)" -> Nemesis.bridge("primary", "standby", Nemesis.Drop.BLACKHOLE);
            case "one-way(standby->primary)" -> Nemesis.oneWay("standby", "primary", Nemesis.Drop.BLACKHOLE);
            case "one-way(primary->standby)" -> Nemesis.oneWay("primary", "standby", Nemesis.Drop.PROHIBIT);
            case "one-way(witness->primary)" -> Nemesis.oneWay("witness", "primary", Nemesis.Drop.BLACKHOLE);
            default -> throw new IllegalArgumentException("no such fault: " + what);
        };
    }

    /**
     * Updates what is in force, whether a quorum can see the active site UP (the primary: every run starts there) and
     * whether a quorum of live observers sees it DOWN. Observer O sees it UP when the primary's engine runs unstopped
     * and neither direction between O's place and the primary's is cut (the primary-side observer shares the
     * primary's place); a killed observer sees nothing and votes nothing.
     */
    private static void track(InForce now, String injected, String healed) {
        if (injected != null) {
            now.faults.add(injected);
        }
        if (healed != null) {
            now.faults.remove(healed);
        }
        Sight sight = sight(now.faults);
        Instant at = Instant.now();
        interval(now.blind, sight.up() < 2, at);
        interval(now.down, sight.down() >= 2, at);
    }

    /** How many observers see the primary UP, and how many live ones see it DOWN. */
    record Sight(int up, int down) {
    }

    /**
     * What the observers can see of the primary while {@code faults} are in force: observer O sees it UP when the
     * engine runs unstopped and neither direction between O's place and the primary's is cut (the primary-side
     * observer shares the primary's place); a killed observer, or one of a lost place, sees nothing and votes nothing.
     */
    static Sight sight(Set<String> faults) {
        Set<String> cuts = new HashSet<>();
        for (String f : faults) {
            if (f.startsWith("partition(") || f.startsWith("bridge(") || f.startsWith("one-way(")) {
                cuts.addAll(nemesis(f).cuts());
            } else if (f.startsWith("lose(")) {
                cuts.addAll(Nemesis.partition(inside(f)).cuts());
            }
        }
        boolean engineUp = !faults.contains("kill(engine)") && !faults.contains("stop(engine)") && !faults.contains("lose(primary)");
        int up = 0;
        int down = 0;
        for (String observer : DrillWorld.OBSERVERS) {
            String place = DrillWorld.placeOf(observer);
            boolean path = place.equals("primary") || !cuts.contains(place + "->primary") && !cuts.contains("primary->" + place);
            boolean alive = !faults.contains("kill(health-checker-" + observer + ")") && !faults.contains("lose(" + place + ")");
            if (alive && engineUp && path) {
                up++;
            } else if (alive) {
                down++;
            }
        }
        return new Sight(up, down);
    }

    /** Opens an interval in {@code intervals} when {@code holds} starts, closes it when it stops. */
    private static void interval(List<Instant[]> intervals, boolean holds, Instant at) {
        boolean open = !intervals.isEmpty() && intervals.get(intervals.size() - 1)[1] == null;
        if (holds && !open) {
            intervals.add(new Instant[] {at, null});
        } else if (!holds && open) {
            intervals.get(intervals.size() - 1)[1] = at;
        }
    }

    /** Whether one of {@code intervals} covers some instant of [from, to]. */
    private static boolean near(List<Instant[]> intervals, Instant from, Instant to) {
        for (Instant[] b : intervals) {
            Instant end = b[1] == null ? Instant.MAX : b[1];
            if (!b[0].isAfter(to) && !end.isBefore(from)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The run's ground truth for replay: a failover of the primary was due from the moment a quorum of live observers
     * saw it DOWN (or its own gate stopped its engine: {@code gateStopped}), in each stretch that lasted
     * {@link #DUE_AFTER} (to the end of the blindness around it); a stretch in
     * which a quorum could not see it UP but that did not last so long is a blip that a failover should ride out.
     * The recording ends with the last heal: after it, what the observers saw is the world the live coordinator made
     * (a primary it fenced stays DOWN), not the faults. A run in which nothing hid the primary is labelled not due
     * from {@code from} to {@code to}: a failover in it is false (a recording without labels would not be judged).
     */
    static List<Corpus.Label> labels(InForce now, List<Instant[]> gateStopped, String name, Instant from, Instant to) {
        // an engine its own gate stopped is DOWN for every observer, and its site not trading: as much a fault as one injected
        List<Instant[]> down = union(now.down, gateStopped);
        List<Instant[]> blind = union(now.blind, gateStopped);
        List<Corpus.Label> out = new ArrayList<>();
        List<Instant[]> dueBlind = new ArrayList<>();
        for (Instant[] d : down) {
            if (d[1] != null && Duration.between(d[0], d[1]).compareTo(DUE_AFTER) >= 0) {
                Instant end = d[1];
                for (Instant[] b : blind) {
                    if (!b[0].isAfter(d[0]) && b[1] != null && b[1].isAfter(end)) {
                        end = b[1];
                        dueBlind.add(b);
                    }
                }
                out.add(new Corpus.Label(d[0], end, "primary", true, name + ": DOWN for a quorum " + Duration.between(d[0], d[1]).toMillis() + " ms"));
            }
        }
        for (Instant[] b : blind) {
            boolean containsDue = dueBlind.contains(b) || out.stream().anyMatch(l -> !l.from().isBefore(b[0]) && b[1] != null && !l.from().isAfter(b[1]));
            if (b[1] != null && !containsDue) {
                out.add(new Corpus.Label(b[0], b[1], "primary", false, name + ": a blip of " + Duration.between(b[0], b[1]).toMillis() + " ms"));
            }
        }
        if (out.isEmpty()) {
            // nothing hid the primary: the run is ground truth all the same (a recording without labels is not judged)
            out.add(new Corpus.Label(from, to, "primary", false, name + ": the primary in sight of a quorum throughout"));
        }
        return out;
    }

    /**
     * When the primary's engine was down because its start gate stopped it (no lease: its place cut off from the
     * coordinators) during [{@code from}, {@code to}]: from each such stop to the engine's next start, or {@code to}.
     */
    static List<Instant[]> gateStopped(List<dev.baton.drill.site.SimulatedSite.EngineEvent> events, Instant from, Instant to) {
        List<Instant[]> out = new ArrayList<>();
        Instant stopped = null;
        for (dev.baton.drill.site.SimulatedSite.EngineEvent e : events) {
            if (e.at().isBefore(from) || e.at().isAfter(to)) {
                continue;
            }
            if (!e.running() && e.cause().startsWith("exited by itself") && stopped == null) {
                stopped = e.at();
            } else if (e.running() && stopped != null) {
                out.add(new Instant[] {stopped, e.at()});
                stopped = null;
            }
        }
        if (stopped != null) {
            out.add(new Instant[] {stopped, to});
        }
        return out;
    }

    /** The closed intervals of both lists, overlapping ones joined, in time order (open ones are left out). */
    static List<Instant[]> union(List<Instant[]> a, List<Instant[]> b) {
        List<Instant[]> all = new ArrayList<>();
        Stream.concat(a.stream(), b.stream()).filter(i -> i[1] != null).sorted(Comparator.comparing((Instant[] i) -> i[0]))
                .forEach(i -> {
                    Instant[] last = all.isEmpty() ? null : all.get(all.size() - 1);
                    if (last != null && !i[0].isAfter(last[1])) {
                        last[1] = i[1].isAfter(last[1]) ? i[1] : last[1];
                    } else {
                        all.add(new Instant[] {i[0], i[1]});
                    }
                });
        return all;
    }

    /** When a quorum of live observers had seen the active site DOWN for {@link #DUE_AFTER} in a row, if ever. */
    private static Optional<Instant> firstDue(List<Instant[]> down) {
        for (Instant[] b : down) {
            Instant end = b[1] == null ? Instant.now() : b[1];
            if (Duration.between(b[0], end).compareTo(DUE_AFTER) >= 0) {
                return Optional.of(b[0].plus(DUE_AFTER));
            }
        }
        return Optional.empty();
    }

    /** Automatic failovers the coordinators started since {@code since}, by their start time. */
    private static List<Instant> failoverStarts(DrillWorld world, Instant since) {
        List<Instant> out = new ArrayList<>();
        JsonNode ops = world.get(world.leaderUrl() + "/api/v1/operations");
        if (ops != null) {
            for (JsonNode op : ops.isArray() ? ops : ops.path("operations")) {
                Instant at = Instant.parse(op.path("startedAt").asText("1970-01-01T00:00:00Z"));
                if ("FAILOVER".equals(op.path("kind").asText()) && !at.isBefore(since)) {
                    out.add(at);
                }
            }
        }
        return out;
    }

    /**
     * Waits until no operation runs and one site trades (or the state is DEGRADED: the operator's turn), at most until
     * {@code until}; the coordinators' state then.
     */
    private static String settle(DrillWorld world, Instant until) throws InterruptedException {
        String state = "?";
        while (Instant.now().isBefore(until)) {
            JsonNode s = world.coordinatorStatus();
            state = s == null ? "?" : s.path("state").asText();
            boolean idle = s != null && (s.path("currentOperation").isNull() || s.path("currentOperation").isMissingNode());
            if ((state.equals("PRIMARY_ACTIVE") || state.equals("STANDBY_ACTIVE")) && idle
                    && world.broker().activeEngine(DrillWorld.ACCOUNT) != null || state.equals("DEGRADED")) {
                return state;
            }
            Thread.sleep(250);
        }
        return state.equals("PRIMARY_ACTIVE") || state.equals("STANDBY_ACTIVE") ? state + " (no engine trading)" : state;
    }
}
