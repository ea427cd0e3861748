package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * Fault scenarios beyond the demo, each run from the command line ({@code DrillMain <scenario>} or the
 * {@code chaos} subcommand). Each injects one fault into a freshly started {@link DrillWorld}, follows the
 * suite until it settles and reports figures and invariant checks.
 */
public final class FaultScenarios {
    /** Scenario names accepted by {@link #run}. */
    public static final List<String> NAMES = List.of("engine-crash", "engine-hang", "coordinator-crash",
            "link-cut-witness-sees-primary", "recovered-primary");

    private FaultScenarios() {
    }

    public static DrillReport run(String name, DrillWorld w, Duration limit) throws Exception {
        return switch (name) {
            case "engine-crash" -> engineCrash(w, limit);
            case "engine-hang" -> engineHang(w, limit);
            case "coordinator-crash" -> coordinatorCrash(w, limit);
            case "link-cut-witness-sees-primary" -> linkCut(w, Duration.ofSeconds(15));
            case "recovered-primary" -> recoveredPrimary(w, limit);
            default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + NAMES);
        };
    }

    /** The primary's engine crashes (SIGKILL): failover, no failback. */
    static DrillReport engineCrash(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("engine-crash");
        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        failoverFigures(w, report, fault, last, limit);
        settleChecks(w, report, 1);
        return report;
    }

    /**
     * The primary's engine hangs (SIGSTOP): the process lives but answers nothing and its broker session
     * goes silent. Baton must fail over; when the hung engine is resumed afterwards it must not trade again
     * (the fence stopped it), so the broker must never see two live engines.
     */
    static DrillReport engineHang(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("engine-hang");
        w.timeline().record("fault", "primary engine hung (SIGSTOP)");
        Instant fault = Instant.now();
        w.primary().hangEngine();
        long last = Scenarios.seq(w.primary().root());
        failoverFigures(w, report, fault, last, limit);
        w.timeline().record("fault", "primary engine resumed (SIGCONT)");
        w.primary().resumeEngine();
        // the broker's liveness window is 1.5 s: give a resumed engine time to log in or heartbeat
        hold(w, Duration.ofSeconds(5), "5 s after resume");
        settleChecks(w, report, 1);
        return report;
    }

    /**
     * The coordinator is killed (SIGKILL) right after it decided to fail over, then restarted with the same
     * configuration. The operation must resume or abort safely: never two engines, and the suite must end
     * STANDBY_ACTIVE or DEGRADED with exactly one engine running.
     */
    static DrillReport coordinatorCrash(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("coordinator-crash");
        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        Instant failingOver = Scenarios.follow(w, limit, "FAILING_OVER",
                () -> Set.of("FAILING_OVER", "STANDBY_ACTIVE").contains(Scenarios.state(w)));
        report.figure("detection (fault -> FAILING_OVER seen)", Scenarios.between(fault, failingOver));
        w.crashService("failover-coordinator");
        Instant restartAsked = Instant.now();
        w.restartService("failover-coordinator");
        report.figure("coordinator restart (kill -> ready)", Scenarios.between(restartAsked, Instant.now()));
        Instant settled = Scenarios.follow(w, limit, "settled (STANDBY_ACTIVE or DEGRADED)",
                () -> Set.of("STANDBY_ACTIVE", "DEGRADED").contains(Scenarios.state(w)));
        String state = Scenarios.state(w);
        report.figure("final state", state);
        report.figure("fault -> settled", Scenarios.between(fault, settled));
        Instant engineUp = Scenarios.follow(w, Duration.ofSeconds(20), "standby engine trading",
                () -> "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        Instant dns = Scenarios.follow(w, Duration.ofSeconds(20), "DNS at every NS", () -> w.dnsEverywhere(DrillWorld.STANDBY_ADDRESS));
        report.figure("RTO (fault -> engine + DNS)", Scenarios.between(fault, Scenarios.latest(engineUp, dns)));
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        report.figure("failover operation status", op == null ? "n/a" : op.path("status").asText("?"));
        report.figure("RPO reported by coordinator", op == null || op.path("rpoSeconds").isNull() ? "n/a" : op.path("rpoSeconds").asText() + " s");
        report.check("settled consistently", settled != null, "coordinator state " + state);
        settleChecks(w, report, -1);
        return report;
    }

    /**
     * The standby loses its view of the primary while the witness and the primary-side observer still see
     * it UP: quorum must prevent a failover for the whole {@code hold} ("no false failover").
     */
    static DrillReport linkCut(DrillWorld w, Duration hold) throws Exception {
        DrillReport report = new DrillReport("link-cut-witness-sees-primary");
        w.cutObserverFromPrimary("standby");
        Instant cut = Instant.now();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + hold.toNanos();
        while (System.nanoTime() < deadline) {
            seen.add(Scenarios.state(w));
            Thread.sleep(100);
        }
        w.timeline().record("observed", "held " + hold.toSeconds() + " s; coordinator states seen " + seen);
        int n = Scenarios.countOperations(w, "FAILOVER");
        report.figure("held without failover", Scenarios.between(cut, Instant.now()));
        report.figure("coordinator states seen", String.join(",", seen));
        report.figure("false failovers", String.valueOf(n));
        report.check("no false failover", n == 0 && !seen.contains("FAILING_OVER") && !seen.contains("STANDBY_ACTIVE"),
                n + " failover operation(s); states seen " + seen);
        report.check("primary still trading", "primary".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)),
                "broker's active engine: " + w.broker().activeEngine(DrillWorld.ACCOUNT));
        settleChecks(w, report, 0);
        return report;
    }

    /**
     * After a failover the old primary comes back with its engine (compose's restart policy after a reboot):
     * the split-brain guard (every 3 s in the drill) must fence it again. When the zombie logs in before it is
     * fenced the broker records a violation: counted and reported as it is.
     */
    static DrillReport recoveredPrimary(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("recovered-primary");
        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        failoverFigures(w, report, fault, last, limit);
        w.timeline().record("fault", "old primary's engine back by restart policy");
        Instant back = Instant.now();
        w.primary().bringBackEngine();
        Instant fenced = Scenarios.follow(w, Duration.ofSeconds(30), "old primary re-fenced", () -> !w.primary().engineRunning());
        report.figure("re-fence (engine back -> stopped)", Scenarios.between(back, fenced));
        report.check("old primary re-fenced", fenced != null, "old primary's engine running " + w.primary().engineRunning());
        hold(w, Duration.ofSeconds(3), "3 s after re-fence");
        report.check("standby still trading", "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)),
                "broker's active engine: " + w.broker().activeEngine(DrillWorld.ACCOUNT));
        settleChecks(w, report, 1);
        return report;
    }

    /** Lets the suite run for {@code d}, then marks it on the timeline. */
    private static void hold(DrillWorld w, Duration d, String what) throws InterruptedException {
        Thread.sleep(d.toMillis());
        w.timeline().record("observed", what);
    }

    private static void failoverFigures(DrillWorld w, DrillReport report, Instant fault, long lastPrimarySeq, Duration limit)
            throws Exception {
        Instant failingOver = Scenarios.follow(w, limit, "FAILING_OVER",
                () -> Set.of("FAILING_OVER", "STANDBY_ACTIVE").contains(Scenarios.state(w)));
        Instant active = Scenarios.follow(w, limit, "standby active", () -> "STANDBY_ACTIVE".equals(Scenarios.state(w)));
        Instant engineUp = Scenarios.follow(w, limit, "standby engine trading",
                () -> "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        Instant dns = Scenarios.follow(w, limit, "DNS at every NS", () -> w.dnsEverywhere(DrillWorld.STANDBY_ADDRESS));
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        report.check("failover completed", active != null && engineUp != null && dns != null,
                "standby active " + (active != null) + ", standby engine trading " + (engineUp != null) + ", DNS switched " + (dns != null));
        report.figure("detection (fault -> decision)", Scenarios.between(fault, Scenarios.opStart(op, failingOver)));
        report.figure("fence", Scenarios.stepDuration(op, "fence"));
        report.figure("RTO (fault -> engine + DNS)", Scenarios.between(fault, Scenarios.latest(engineUp, dns, active)));
        long startedFrom = Scenarios.startedFromSeq(w.standby().root());
        report.figure("RPO (state records lost)", startedFrom < 0 ? "n/a" : String.valueOf(Math.max(0, lastPrimarySeq - startedFrom)));
        report.check("no state regression", startedFrom >= lastPrimarySeq,
                "standby continued from seq " + startedFrom + ", primary's last was " + lastPrimarySeq);
    }

    /**
     * The invariants every scenario ends with: no double-active at the broker, exactly one engine running,
     * and (when {@code failovers >= 0}) the expected number of failover operations.
     */
    private static void settleChecks(DrillWorld w, DrillReport report, int failovers) {
        var violations = w.broker().violations();
        report.figure("broker violations", String.valueOf(violations.size()));
        report.check("no double-active", violations.isEmpty(),
                violations.isEmpty() ? "the broker never saw two live engines" : violations.toString());
        boolean p = w.primary().engineRunning();
        boolean s = w.standby().engineRunning();
        report.check("exactly one engine running", p ^ s, "primary engine running " + p + ", standby engine running " + s);
        int n = Scenarios.countOperations(w, "FAILOVER");
        report.figure("failover operations", String.valueOf(n));
        if (failovers >= 0) {
            report.check("one failover for one fault", n == failovers, n + " failover operation(s)");
        }
    }
}
