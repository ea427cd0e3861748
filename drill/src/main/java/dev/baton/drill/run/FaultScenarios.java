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
            "link-cut-witness-sees-primary", "recovered-primary", "site-lost", "flapping-health", "maintenance-window",
            "planned-switchover", "dns-provider-errors", "primary-isolated-fencing-endpoint", "broker-session-api-down",
            "decider-site-loss");

    private FaultScenarios() {
    }

    public static DrillReport run(String name, DrillWorld w, Duration limit) throws Exception {
        return switch (name) {
            case "engine-crash" -> engineCrash(w, limit);
            case "engine-hang" -> engineHang(w, limit);
            case "coordinator-crash" -> coordinatorCrash(w, limit);
            case "link-cut-witness-sees-primary" -> linkCut(w, Duration.ofSeconds(8));
            case "recovered-primary" -> recoveredPrimary(w, limit);
            case "site-lost" -> siteLost(w, limit);
            case "flapping-health" -> flapping(w, limit);
            case "maintenance-window" -> maintenanceWindow(w, Duration.ofSeconds(8));
            case "planned-switchover" -> plannedSwitchover(w, limit);
            case "dns-provider-errors" -> dnsProviderErrors(w, limit);
            case "primary-isolated-fencing-endpoint" -> isolatedWithFencingEndpoint(w, limit);
            case "broker-session-api-down" -> sessionApiDown(w, limit);
            case "decider-site-loss" -> deciderSiteLoss(w, limit);
            default -> throw new IllegalArgumentException("unknown scenario " + name + "; known: " + NAMES);
        };
    }

    /**
     * The decider survives the loss of any one place. The primary's engine dies and Baton fails over; the primary is
     * repaired (its host is fine, its engine stays stopped while the standby trades); then the whole standby place
     * dies: its engine, SSH server and paths, its coordinator (the leader, usually), its ZooKeeper server and its
     * observer. The witness's coordinator must take the lead on the two remaining ZooKeeper servers and bring the
     * primary back into service (an automatic failback: nobody is left at the standby to ask), with never two live
     * sessions at the broker. The figure: standby place lost -> the primary's engine trading again.
     */
    static DrillReport deciderSiteLoss(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("decider-site-loss");
        if (!w.zookeeper()) {
            report.check("runs on the ZooKeeper decider", false, "the drill runs with the " + w.store()
                    + " store; this scenario needs BATON_DRILL_STORE=zookeeper (the default)");
            return report;
        }
        w.reconfigureCoordinator(java.util.Map.of("BATON_COORDINATOR_POLICY_AUTOMATIC_FAILBACK", "true"),
                "with automatic failback (nobody is left at a lost standby to ask for one)");
        Scenarios.follow(w, limit, "a leader, primary active", () -> w.leader().isPresent() && "PRIMARY_ACTIVE".equals(Scenarios.state(w)));

        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        Instant standbyTrading = Scenarios.follow(w, limit, "standby active and trading",
                () -> "STANDBY_ACTIVE".equals(Scenarios.state(w)) && "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        report.figure("failover RTO (primary engine killed -> standby trading)", Scenarios.between(fault, standbyTrading));
        // the primary repaired: its host answers, its engine stays down (the gate refuses it while the standby is active);
        // state-sync copies the standby's state back to it meanwhile
        Instant copied = Scenarios.follow(w, limit, "a fresh copy of the standby's state on the primary", () -> w.copiedSince(standbyTrading));
        report.figure("standby trading -> its state copied to the primary", Scenarios.between(standbyTrading, copied));
        JsonNode before = w.coordinatorStatus();
        String leaderBefore = w.leader().orElse("none");
        long termBefore = before == null ? -1 : before.path("term").asLong();
        long epochBefore = before == null ? -1 : before.path("epoch").asLong();

        Instant loss = Instant.now();
        w.losePlace("standby");
        Instant newLeader = Scenarios.follow(w, limit, "the witness's coordinator leads",
                () -> w.leader().filter(DrillWorld.WITNESS_COORDINATOR::equals).isPresent());
        Instant trading = Scenarios.follow(w, limit, "primary trading again",
                () -> "primary".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        Instant primaryActive = Scenarios.follow(w, limit, "PRIMARY_ACTIVE", () -> "PRIMARY_ACTIVE".equals(Scenarios.state(w)));
        Instant dns = Scenarios.follow(w, limit, "DNS back at every NS", () -> w.dnsEverywhere(DrillWorld.PRIMARY_ADDRESS));
        JsonNode after = w.coordinatorStatus();

        report.figure("leader before / after", leaderBefore + " / " + w.leader().orElse("none"));
        report.figure("standby place lost -> new leader", Scenarios.between(loss, newLeader));
        report.figure("standby place lost -> trading again", Scenarios.between(loss, trading));
        report.figure("standby place lost -> DNS on the primary", Scenarios.between(loss, dns));
        report.check("a surviving coordinator leads", newLeader != null, "leader now " + w.leader().orElse("none"));
        report.check("the primary trades again", trading != null && primaryActive != null,
                "primary trading " + (trading != null) + ", PRIMARY_ACTIVE " + (primaryActive != null));
        long termAfter = after == null ? -1 : after.path("term").asLong();
        long epochAfter = after == null ? -1 : after.path("epoch").asLong();
        report.figure("term / epoch before -> after", termBefore + "/" + epochBefore + " -> " + termAfter + "/" + epochAfter);
        report.check("term and epoch grew", termAfter > termBefore && epochAfter > epochBefore,
                "term " + termBefore + " -> " + termAfter + ", epoch " + epochBefore + " -> " + epochAfter);
        JsonNode back = Scenarios.lastOperation(w, "FAILBACK");
        report.figure("failback operation", back == null ? "n/a" : back.path("status").asText() + " (" + back.path("trigger").asText() + ")");
        Scenarios.sessionReleasedBeforeLogin(w, report, back, "primary", "failback");
        settleChecks(w, report, 1, true);
        return report;
    }

    /** The primary's engine crashes (SIGKILL): failover, no failback. */
    static DrillReport engineCrash(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("engine-crash");
        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        failoverFigures(w, report, fault, last, limit);
        settleChecks(w, report, 1, true);
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
        settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The leading coordinator is killed (SIGKILL) right after it decided to fail over, then restarted with the same
     * configuration. The operation must resume (by the other coordinator, in the ZooKeeper mode, or by the restarted
     * one) or abort safely: never two engines, and the suite must end STANDBY_ACTIVE or DEGRADED with exactly one
     * engine running.
     */
    static DrillReport coordinatorCrash(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("coordinator-crash");
        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        Instant failingOver = Scenarios.follow(w, limit, "FAILING_OVER",
                () -> Set.of("FAILING_OVER", "STANDBY_ACTIVE").contains(Scenarios.state(w)));
        report.figure("detection (fault -> FAILING_OVER seen)", Scenarios.between(fault, failingOver));
        String leader = w.leader().orElse(DrillWorld.COORDINATOR);
        w.crashService(leader);
        Instant restartAsked = Instant.now();
        w.restartService(leader);
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
        settleChecks(w, report, -1, true);
        return report;
    }

    /**
     * The standby loses its view of the primary while the witness and the primary-side observer still see
     * it UP: quorum must prevent a failover for the whole {@code hold} ("no false failover").
     */
    static DrillReport linkCut(DrillWorld w, Duration hold) throws Exception {
        DrillReport report = new DrillReport("link-cut-witness-sees-primary");
        w.cutLinks("standby", w.primary());
        w.timeline().record("fault", "the standby observer's paths to the primary cut (engine and host)");
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
        settleChecks(w, report, 0, true);
        return report;
    }

    /**
     * After a failover the old primary comes back with its engine (compose's restart policy after a reboot).
     * Its start goes through the site's start gate ({@code deploy/site/baton-gate}), which asks the coordinator
     * and refuses: the standby is the active site. The old engine must never log in to the broker, so there is
     * no double-active instant at all (the split-brain guard would only bound it to one guard interval).
     */
    static DrillReport recoveredPrimary(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("recovered-primary");
        w.timeline().record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        failoverFigures(w, report, fault, last, limit);
        w.timeline().record("fault", "old primary's engine back by restart policy (its entrypoint is the start gate)");
        long refusalsBefore = w.primary().gateRefusals();
        int loginsBefore = w.broker().logins().size();
        Instant back = Instant.now();
        w.primary().bringBackEngine();
        Instant down = Scenarios.follow(w, Duration.ofSeconds(30), "old primary's engine not running", () -> !w.primary().engineRunning());
        report.figure("restart -> not running", Scenarios.between(back, down));
        long refused = w.primary().gateRefusals() - refusalsBefore;
        report.figure("start gate refusals", String.valueOf(refused));
        // longer than the broker's liveness window and the guard's interval: a late login would show
        hold(w, Duration.ofSeconds(4), "4 s after the old primary's restart");
        long primaryLogins = w.broker().logins().subList(Math.min(loginsBefore, w.broker().logins().size()), w.broker().logins().size()).stream()
                .filter(l -> l.engine().equals("primary")).count();
        report.check("old primary kept from trading", down != null && primaryLogins == 0,
                "old primary's engine running " + w.primary().engineRunning() + ", its broker logins since the restart " + primaryLogins
                        + ", start gate refusals " + refused);
        report.check("standby still trading", "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)),
                "broker's active engine: " + w.broker().activeEngine(DrillWorld.ACCOUNT));
        settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The whole primary site is lost: its engine, its SSH server and the observer running there are gone, and
     * every path to it is cut. With no fencing endpoint configured, the coordinator may promote the standby only
     * once the broker has released the lost engine's session (its session check says so, or the linger passed).
     */
    static DrillReport siteLost(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("site-lost");
        w.timeline().record("fault", "primary site lost: engine killed, SSH server down, every path to it cut, its observer gone");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        w.primary().cutSsh();
        for (String observer : DrillWorld.OBSERVERS) {
            w.cutLinks(observer, w.primary());
        }
        w.killObserver("primary-side");
        failoverFigures(w, report, fault, () -> last, limit, false);
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        String fence = stepDetail(op, "fence");
        report.check("presumed fenced only once the broker released the session (no fencing endpoint)",
                fence.contains("presumed fenced") && fence.contains("broker session released by"), "fence step: " + fence);
        Instant fenceBegan = parseInstant(step(op, "fence").path("startedAt").asText(null));
        Instant presumed = op == null ? null : parseInstant(op.path("sessionRelease").path("fencedAt").asText(null));
        report.check("presumed only a whole site lease (" + DrillWorld.SITE_LEASE.toSeconds() + " s) after the fence began",
                fenceBegan != null && presumed != null && !presumed.isBefore(fenceBegan.plus(DrillWorld.SITE_LEASE)),
                "fence began " + fenceBegan + ", presumed fenced at " + presumed);
        Instant standbyLogin = w.logins().stream().filter(l -> l.engine().equals("standby")).map(l -> l.at()).findFirst().orElse(null);
        report.figure("fault -> standby's first broker login", Scenarios.between(fault, standbyLogin));
        settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The primary's health flaps: every path to it is cut for 1.5 s and healed for 1.5 s, three times. Each DOWN
     * spell is shorter than the confirmation time (2 s), so Baton must not fail over; at most once is tolerated
     * (a spell stretched by scheduling), and never with two engines.
     */
    static DrillReport flapping(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("flapping-health");
        w.timeline().record("fault", "primary flaps: all paths to it cut 1.5 s / healed 1.5 s, 3 times");
        java.util.Set<String> seen = new java.util.TreeSet<>();
        for (int i = 0; i < 3; i++) {
            for (String observer : DrillWorld.OBSERVERS) {
                w.cutLinks(observer, w.primary());
            }
            watch(w, seen, Duration.ofMillis(1500));
            for (String observer : DrillWorld.OBSERVERS) {
                w.restoreLinks(observer, w.primary());
            }
            watch(w, seen, Duration.ofMillis(1500));
        }
        watch(w, seen, Duration.ofSeconds(3));
        int n = Scenarios.countOperations(w, "FAILOVER");
        if (n > 0) {
            Scenarios.follow(w, limit, "settled", () -> !Scenarios.state(w).startsWith("FAILING"));
        }
        w.timeline().record("observed", "coordinator states seen while flapping " + seen);
        report.figure("coordinator states seen", String.join(",", seen));
        report.figure("false failovers", String.valueOf(n));
        report.check("at most one failover while flapping", n <= 1, n + " failover operation(s)");
        settleChecks(w, report, -1, true);
        return report;
    }

    /**
     * The primary's engine dies inside a broker maintenance window (the coordinator restarted with a window
     * open now): failures there do not count, so Baton must not fail over.
     */
    static DrillReport maintenanceWindow(DrillWorld w, Duration hold) throws Exception {
        DrillReport report = new DrillReport("maintenance-window");
        java.time.LocalTime start = java.time.LocalTime.now(java.time.ZoneOffset.UTC).minusMinutes(1).withSecond(0).withNano(0);
        String window = "daily " + start + " 15m UTC";
        w.reconfigureCoordinator(java.util.Map.of("BATON_COORDINATOR_POLICY_MAINTENANCE_WINDOWS", window),
                "with a broker maintenance window open now (" + window + ")");
        awaitObserversFresh(w);
        w.timeline().record("fault", "primary engine killed (SIGKILL) inside the maintenance window");
        w.primary().crashEngine();
        java.util.Set<String> seen = new java.util.TreeSet<>();
        watch(w, seen, hold);
        int n = Scenarios.countOperations(w, "FAILOVER");
        w.timeline().record("observed", "held " + hold.toSeconds() + " s; coordinator states seen " + seen);
        report.figure("coordinator states seen", String.join(",", seen));
        report.figure("false failovers", String.valueOf(n));
        report.check("no failover inside the maintenance window", n == 0 && seen.equals(java.util.Set.of("PRIMARY_ACTIVE")),
                n + " failover operation(s); states seen " + seen);
        JsonNode st = w.coordinatorStatus();
        report.check("primary still the active site", st != null && "primary".equals(st.path("activeSite").asText()),
                "active site " + (st == null ? "?" : st.path("activeSite").asText()));
        settleChecks(w, report, 0, false);
        return report;
    }

    /**
     * A planned switchover: an operator asks for a failover while the primary is healthy (the fence stops it
     * cleanly, so nothing may be lost), then fails back.
     */
    static DrillReport plannedSwitchover(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("planned-switchover");
        w.timeline().record("operator", "POST /api/v1/failover (planned switchover)");
        Instant asked = Instant.now();
        var r = w.post(w.leaderUrl() + "/api/v1/failover",
                java.util.Map.of("reason", "drill: planned switchover", "dryRun", false, "force", false));
        w.timeline().record("operator", "failover answered " + r.statusCode());
        report.check("switchover accepted", r.statusCode() == 202, "coordinator answered " + r.statusCode());
        Instant active = Scenarios.follow(w, limit, "standby active", () -> "STANDBY_ACTIVE".equals(Scenarios.state(w)));
        Instant engineUp = Scenarios.follow(w, limit, "standby engine trading",
                () -> "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        Instant dns = Scenarios.follow(w, limit, "DNS at every NS", () -> w.dnsEverywhere(DrillWorld.STANDBY_ADDRESS));
        report.check("switchover completed", active != null && engineUp != null && dns != null,
                "standby active " + (active != null) + ", standby engine trading " + (engineUp != null) + ", DNS switched " + (dns != null));
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        report.figure("fence", Scenarios.stepDuration(op, "fence"));
        report.figure("RTO (fault -> engine + DNS)", Scenarios.between(asked, Scenarios.latest(engineUp, dns, active)));
        long stoppedAt = w.primary().lastOutput("stopped-at-seq ");
        long startedFrom = Scenarios.startedFromSeq(w.standby());
        report.figure("RPO (state records lost)", startedFrom < 0 || stoppedAt < 0 ? "n/a" : String.valueOf(Math.max(0, stoppedAt - startedFrom)));
        report.check("no state regression", Scenarios.noRegression(stoppedAt, startedFrom),
                "standby continued from seq " + startedFrom + ", primary stopped at " + stoppedAt);
        Scenarios.sessionReleasedBeforeLogin(w, report, op, "standby", "failover");
        Scenarios.failback(w, report, limit);
        settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The primary's engine crashes and, as soon as the failover starts, the DNS provider's API (Cloudflare in
     * front of the Knot primary) answers its next record calls with 500, 429 (Retry-After 1), 500: dns-manager
     * must retry through them and the record must still be switched at every authoritative nameserver.
     */
    static DrillReport dnsProviderErrors(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("dns-provider-errors");
        w.timeline().record("fault", "primary engine killed (SIGKILL); the DNS provider will fail its next calls");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        Scenarios.follow(w, limit, "FAILING_OVER", () -> Set.of("FAILING_OVER", "STANDBY_ACTIVE").contains(Scenarios.state(w)));
        List<Integer> faults = List.of(500, 429, 500);
        w.cloudflare().failNext(faults);
        w.timeline().record("fault", "Cloudflare API armed: next record calls answer " + faults);
        failoverFigures(w, report, fault, last, limit);
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        report.figure("dns step", Scenarios.stepDuration(op, "dns"));
        report.figure("provider errors served", String.join(", ", w.cloudflare().served()));
        report.check("provider errors met and retried through", w.cloudflare().pendingFaults() == 0
                && w.cloudflare().served().size() == faults.size(), "served " + w.cloudflare().served() + ", still armed "
                + w.cloudflare().pendingFaults());
        report.check("failover operation succeeded", op != null && "SUCCEEDED".equals(op.path("status").asText()),
                "operation " + (op == null ? "missing" : op.path("status").asText() + ": " + op.path("detail").asText()));
        settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The primary is cut off from Baton (SSH server down, every observer's links cut, its own observer gone)
     * while its engine keeps running and trading: waiting the broker's session-release would not help, the
     * session is alive. With a fencing endpoint configured (the coordinator restarted with the primary's power
     * API), Baton powers the primary off, confirms it off, and only then starts the standby.
     */
    static DrillReport isolatedWithFencingEndpoint(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("primary-isolated-fencing-endpoint");
        String p = "BATON_COORDINATOR_SITES_PRIMARY_FENCING_ENDPOINT_";
        w.reconfigureCoordinator(java.util.Map.of(p + "URL", w.power().powerOffUrl(), p + "STATUS_URL", w.power().statusUrl(),
                p + "TOKEN", DrillWorld.POWER_TOKEN), "with a fencing endpoint for the primary (its power API)");
        awaitObserversFresh(w);
        w.timeline().record("fault", "primary cut off from Baton (SSH down, links cut, its observer gone); its engine keeps trading");
        Instant fault = Instant.now();
        w.primary().cutSsh();
        for (String observer : DrillWorld.OBSERVERS) {
            w.cutLinks(observer, w.primary());
        }
        w.killObserver("primary-side");
        failoverFigures(w, report, fault, () -> Scenarios.seq(w.primary().root()), limit, false);
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        String fence = stepDetail(op, "fence");
        Instant off = w.power().poweredOffAt();
        report.figure("fault -> powered off", Scenarios.between(fault, off));
        report.check("fenced through the fencing endpoint", w.power().isOff() && fence.contains("fencing endpoint"),
                "power " + (w.power().isOff() ? "off" : "on") + "; fence step: " + fence);
        Instant standbyLogin = w.logins().stream().filter(l -> l.engine().equals("standby")).map(l -> l.at()).findFirst().orElse(null);
        report.check("standby logged in only after the power-off", off != null && standbyLogin != null && standbyLogin.isAfter(off),
                "powered off " + off + ", standby's first login " + standbyLogin);
        settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The primary's engine dies without logging out (SIGKILL) while the broker's account API, which Baton's session
     * check asks, is down (503): nothing can confirm the release, so the standby may log in only once the session
     * linger (3 s in the drill) has passed since the fence, by when the broker has let the dead session go.
     */
    static DrillReport sessionApiDown(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("broker-session-api-down");
        w.broker().failSessionApi(true);
        w.timeline().record("fault", "broker's session API down (503); primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        failoverFigures(w, report, fault, last, limit);
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        JsonNode release = op == null ? null : op.path("sessionRelease");
        boolean byLinger = release != null && "linger".equals(release.path("by").asText());
        long waited = release == null ? -1 : release.path("waitedMs").asLong(-1);
        report.check("released by the session linger, a whole linger after the fence", byLinger && waited >= DrillWorld.SESSION_LINGER.toMillis(),
                "session release " + release);
        w.broker().failSessionApi(false);
        settleChecks(w, report, 1, true);
        return report;
    }

    static void awaitObserversFresh(DrillWorld w) throws Exception {
        Scenarios.follow(w, Duration.ofSeconds(30), "observers fresh again", () -> {
            JsonNode st = w.coordinatorStatus();
            return st != null && DrillWorld.OBSERVERS.stream().noneMatch(o -> st.path("observers").path(o).path("stale").asBoolean(true));
        });
    }

    /** Polls the coordinator's state for {@code d}, adding every state seen to {@code seen}. */
    private static void watch(DrillWorld w, java.util.Set<String> seen, Duration d) throws InterruptedException {
        long deadline = System.nanoTime() + d.toNanos();
        while (System.nanoTime() < deadline) {
            seen.add(Scenarios.state(w));
            Thread.sleep(100);
        }
    }

    /** The operation's first step of {@code type}, or a missing node. */
    static JsonNode step(JsonNode op, String type) {
        if (op != null) {
            for (JsonNode step : op.path("steps")) {
                if (type.equals(step.path("type").asText())) {
                    return step;
                }
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static Instant parseInstant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    static String stepDetail(JsonNode op, String type) {
        if (op == null) {
            return "(no operation)";
        }
        JsonNode step = step(op, type);
        return step.isMissingNode() ? "(no " + type + " step)" : step.path("detail").asText("");
    }

    /** Lets the suite run for {@code d}, then marks it on the timeline. */
    private static void hold(DrillWorld w, Duration d, String what) throws InterruptedException {
        Thread.sleep(d.toMillis());
        w.timeline().record("observed", what);
    }

    private static void failoverFigures(DrillWorld w, DrillReport report, Instant fault, long lastPrimarySeq, Duration limit)
            throws Exception {
        failoverFigures(w, report, fault, () -> lastPrimarySeq, limit, true);
    }

    /**
     * Follows a failover and reports detection, fence, RTO and RPO. {@code finalPull}: the old primary could be
     * read at the end, so nothing may be lost (strict); otherwise the standby continues from the last copy
     * replicated before the loss, and what it missed is the RPO (a figure, not a violation).
     */
    static void failoverFigures(DrillWorld w, DrillReport report, Instant fault, java.util.function.LongSupplier lastSeq,
            Duration limit, boolean finalPull) throws Exception {
        Instant failingOver = Scenarios.follow(w, limit, "FAILING_OVER",
                () -> Set.of("FAILING_OVER", "STANDBY_ACTIVE").contains(Scenarios.state(w)));
        Instant active = Scenarios.follow(w, limit, "standby active", () -> "STANDBY_ACTIVE".equals(Scenarios.state(w)));
        Instant engineUp = Scenarios.follow(w, limit, "standby engine trading",
                () -> "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        Instant dns = Scenarios.follow(w, limit, "DNS at every NS", () -> w.dnsEverywhere(DrillWorld.STANDBY_ADDRESS));
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        Scenarios.sessionReleasedBeforeLogin(w, report, op, "standby", "failover");
        report.check("failover completed", active != null && engineUp != null && dns != null,
                "standby active " + (active != null) + ", standby engine trading " + (engineUp != null) + ", DNS switched " + (dns != null));
        report.figure("detection (fault -> decision)", Scenarios.between(fault, Scenarios.opStart(op, failingOver)));
        report.figure("fence", Scenarios.stepDuration(op, "fence"));
        report.figure("RTO (fault -> engine + DNS)", Scenarios.between(fault, Scenarios.latest(engineUp, dns, active)));
        // read once the old engine is down: an isolated primary keeps writing until it is fenced
        long lastPrimarySeq = lastSeq.getAsLong();
        long startedFrom = Scenarios.startedFromSeq(w.standby());
        report.figure("RPO (state records lost)", startedFrom < 0 ? "n/a" : String.valueOf(Math.max(0, lastPrimarySeq - startedFrom)));
        report.figure("RPO reported by coordinator", op == null || op.path("rpoSeconds").isNull() ? "n/a" : op.path("rpoSeconds").asText() + " s");
        if (finalPull) {
            report.check("no state regression", Scenarios.noRegression(lastPrimarySeq, startedFrom),
                    "standby continued from seq " + startedFrom + ", primary's last was " + lastPrimarySeq);
        } else {
            report.check("standby continued from the replicated state", lastPrimarySeq >= 0 && startedFrom > 0 && startedFrom <= lastPrimarySeq,
                    "standby continued from seq " + startedFrom + ", primary's last was " + lastPrimarySeq);
        }
    }

    /**
     * The invariants every scenario ends with: no double-active at the broker, exactly one engine running
     * ({@code oneEngine}; else: none on the standby), (when {@code failovers >= 0}) the expected number of
     * failover operations, and, when Baton acted, alerts delivered on both channels.
     */
    static void settleChecks(DrillWorld w, DrillReport report, int failovers, boolean oneEngine) throws Exception {
        var violations = w.violations();
        report.figure("broker violations", String.valueOf(violations.size()));
        report.check("no double-active", violations.isEmpty(),
                violations.isEmpty() ? "the broker never saw two live engines" : violations.toString());
        boolean p = w.primary().engineRunning();
        boolean s = w.standby().engineRunning();
        if (oneEngine) {
            report.check("exactly one engine running", p ^ s, "primary engine running " + p + ", standby engine running " + s);
        } else {
            report.check("no engine on the standby", !s, "standby engine running " + s);
        }
        int n = Scenarios.countOperations(w, "FAILOVER");
        report.figure("failover operations", String.valueOf(n));
        if (failovers >= 0) {
            report.check(failovers == 0 ? "no false failover" : "one failover for one fault", n == failovers, n + " failover operation(s)");
        }
        if (n > 0) {
            Scenarios.alertsDelivered(w, report);
        }
    }
}
