package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The drill's scenarios, each against a running {@link DrillWorld}. A scenario injects one fault (or an
 * operator action), follows the suite until it settles, and reports figures and invariant checks.
 */
public final class Scenarios {
    private Scenarios() {
    }

    /**
     * The primary's engine crashes: Baton must detect it, fence the primary, move the state, start the
     * standby and switch DNS. Then an operator fails back, planned.
     */
    public static DrillReport engineCrashThenFailback(DrillWorld w, Duration limit) throws Exception {
        DrillReport report = new DrillReport("engine-crash + failback");
        Timeline t = w.timeline();
        long lastPrimarySeq;

        t.record("fault", "primary engine killed (SIGKILL)");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        lastPrimarySeq = seq(w.primary().root());

        Instant failingOver = follow(w, limit, "FAILING_OVER", () -> "FAILING_OVER".equals(state(w)) || "STANDBY_ACTIVE".equals(state(w)));
        Instant active = follow(w, limit, "standby active", () -> "STANDBY_ACTIVE".equals(state(w)));
        Instant engineUp = follow(w, limit, "standby engine trading", () -> "standby".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
        Instant dns = follow(w, limit, "DNS at every NS", () -> w.dnsEverywhere(DrillWorld.STANDBY_ADDRESS));
        JsonNode op = lastOperation(w, "FAILOVER");
        report.check("failover completed", active != null && engineUp != null && dns != null,
                "standby active " + (active != null) + ", standby engine trading " + (engineUp != null) + ", DNS switched " + (dns != null));

        report.figure("detection (fault -> decision)", between(fault, opStart(op, failingOver)));
        report.figure("fence", stepDuration(op, "fence"));
        report.figure("RTO (fault -> engine + DNS)", between(fault, latest(engineUp, dns, active)));
        long startedFrom = startedFromSeq(w.standby());
        report.figure("RPO (state records lost)", startedFrom < 0 ? "n/a" : String.valueOf(Math.max(0, lastPrimarySeq - startedFrom)));
        report.figure("RPO reported by coordinator", op == null || op.path("rpoSeconds").isNull() ? "n/a" : op.path("rpoSeconds").asText() + " s");
        report.check("no state regression", noRegression(lastPrimarySeq, startedFrom),
                "standby continued from seq " + startedFrom + ", primary's last was " + lastPrimarySeq);
        sessionReleasedBeforeLogin(w, report, op, "standby", "failover");

        failback(w, report, limit);

        alertsDelivered(w, report);
        report.figure("broker violations", String.valueOf(w.violations().size()));
        report.check("no double-active", w.violations().isEmpty(), w.violations().isEmpty()
                ? "the broker never saw two live engines" : w.violations().toString());
        report.figure("failover operations", String.valueOf(countOperations(w, "FAILOVER")));
        report.check("one failover for one fault", countOperations(w, "FAILOVER") == 1,
                countOperations(w, "FAILOVER") + " failover operation(s)");
        return report;
    }

    /** An operator fails back (planned), followed until the primary trades and DNS is back; figures and checks. */
    static void failback(DrillWorld w, DrillReport report, Duration limit) throws Exception {
        awaitCooldown(w);
        Timeline t = w.timeline();
        t.record("operator", "POST /api/v1/failback");
        Instant failbackAsked = Instant.now();
        HttpResponse<String> r = w.post(w.leaderUrl() + "/api/v1/failback",
                Map.of("reason", "drill: planned failback after the primary was repaired", "dryRun", false));
        t.record("operator", "failback answered " + r.statusCode());
        long lastStandbySeq = -1;
        if (r.statusCode() == 202) {
            follow(w, limit, "primary active", () -> "PRIMARY_ACTIVE".equals(state(w)));
            // the standby's own last write (its state/ is replicated from the primary again by now)
            lastStandbySeq = w.standby().lastOutput("stopped-at-seq ");
            Instant backEngine = follow(w, limit, "primary engine trading", () -> "primary".equals(w.broker().activeEngine(DrillWorld.ACCOUNT)));
            Instant backDns = follow(w, limit, "DNS back at every NS", () -> w.dnsEverywhere(DrillWorld.PRIMARY_ADDRESS));
            report.figure("failback (request -> engine + DNS)", between(failbackAsked, latest(backEngine, backDns)));
            report.check("failback completed", backEngine != null && backDns != null,
                    "primary engine trading " + (backEngine != null) + ", DNS reverted " + (backDns != null));
            sessionReleasedBeforeLogin(w, report, lastOperation(w, "FAILBACK"), "primary", "failback");
            long primaryFrom = startedFromSeq(w.primary());
            report.figure("failback RPO (state records lost)", String.valueOf(Math.max(0, lastStandbySeq - primaryFrom)));
            report.check("no state regression on failback", noRegression(lastStandbySeq, primaryFrom),
                    "primary continued from seq " + primaryFrom + ", standby's last was " + lastStandbySeq);
        } else {
            report.check("failback accepted", false, "coordinator answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * Invariant 1 at the broker, read from the coordinator's journal: the operation's fence released the old
     * engine's session (by a logout, the session check, the linger) before {@code engine}'s first login in this
     * run. Adds the figure "session released" (by what, how long after the fence).
     */
    static void sessionReleasedBeforeLogin(DrillWorld w, DrillReport report, JsonNode op, String engine, String label) {
        JsonNode release = op == null ? null : op.path("sessionRelease");
        Instant opStarted = opStart(op, null);
        Instant login = opStarted == null ? null : w.logins().stream().filter(l -> l.engine().equals(engine) && !l.at().isBefore(opStarted))
                .map(dev.baton.drill.broker.BrokerSimulator.Login::at).findFirst().orElse(null);
        if (release == null || release.isMissingNode() || release.isNull()) {
            report.check(label + ": broker session released before the new engine logged in", false,
                    "no session release journaled; " + engine + "'s first login " + login);
            return;
        }
        Instant released = Instant.parse(release.path("releasedAt").asText());
        report.figure(label + ": session released by", release.path("by").asText() + " after "
                + String.format("%.2f s", release.path("waitedMs").asLong() / 1000.0));
        report.check(label + ": broker session released before the new engine logged in", login != null && !login.isBefore(released),
                "released by " + release.path("by").asText() + " at " + released + ", " + engine + "'s first login " + login);
    }

    /** Every run that made Baton act must have reached people on both channels (Telegram and email). */
    static void alertsDelivered(DrillWorld w, DrillReport report) throws Exception {
        follow(w, Duration.ofSeconds(15), "alerts delivered", () -> w.telegramSinceBaseline() > 0 && w.mailsSinceBaseline() > 0);
        report.figure("alerts delivered (telegram/email)", w.telegramSinceBaseline() + " / " + w.mailsSinceBaseline());
        report.check("alerts delivered", w.telegramSinceBaseline() > 0 && w.mailsSinceBaseline() > 0,
                w.telegramSinceBaseline() + " Telegram messages, " + w.mailsSinceBaseline() + " emails");
    }

    /** An operator fails back once the cooldown after the failover has passed, as the policy requires. */
    private static void awaitCooldown(DrillWorld w) throws InterruptedException {
        JsonNode s = w.coordinatorStatus();
        if (s == null || !s.hasNonNull("cooldownUntil")) {
            return;
        }
        Instant until = Instant.parse(s.get("cooldownUntil").asText());
        Duration left = Duration.between(Instant.now(), until);
        if (!left.isNegative()) {
            w.timeline().record("operator", "waits " + left.toMillis() / 1000 + " s for the cooldown");
            Thread.sleep(left.toMillis() + 250);
        }
    }

    static String state(DrillWorld w) {
        JsonNode s = w.coordinatorStatus();
        return s == null ? "?" : s.path("state").asText();
    }

    /** Polls until {@code condition} holds (recording it on the timeline) or the limit passes. */
    static Instant follow(DrillWorld w, Duration limit, String what, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                w.timeline().record("observed", what);
                return Instant.now();
            }
            Thread.sleep(100);
        }
        w.timeline().record("timeout", what + " not seen within " + limit);
        return null;
    }

    /** The latest operation of {@code kind} started in the current run, with its steps; null if none. */
    static JsonNode lastOperation(DrillWorld w, String kind) {
        JsonNode ops = w.get(w.leaderUrl() + "/api/v1/operations?limit=20");
        if (ops == null) {
            return null;
        }
        for (JsonNode op : ops) {
            if (kind.equals(op.path("kind").asText()) && inThisRun(w, op)) {
                return w.get(w.leaderUrl() + "/api/v1/operations/" + op.path("id").asText());
            }
        }
        return null;
    }

    static int countOperations(DrillWorld w, String kind) {
        JsonNode ops = w.get(w.leaderUrl() + "/api/v1/operations?limit=100");
        int n = 0;
        if (ops != null) {
            for (JsonNode op : ops) {
                n += kind.equals(op.path("kind").asText()) && inThisRun(w, op) ? 1 : 0;
            }
        }
        return n;
    }

    private static boolean inThisRun(DrillWorld w, JsonNode op) {
        return op.hasNonNull("startedAt") && !Instant.parse(op.get("startedAt").asText()).isBefore(w.baseline().at());
    }

    static Instant opStart(JsonNode op, Instant fallback) {
        return op == null || op.path("startedAt").isMissingNode() ? fallback : Instant.parse(op.path("startedAt").asText());
    }

    static Duration stepDuration(JsonNode op, String type) {
        if (op == null) {
            return null;
        }
        for (JsonNode step : op.path("steps")) {
            if (type.equals(step.path("type").asText()) && step.hasNonNull("durationMs")) {
                return Duration.ofMillis(step.path("durationMs").asLong());
            }
        }
        return null;
    }

    static Duration between(Instant a, Instant b) {
        return a == null || b == null ? null : Duration.between(a, b);
    }

    static Instant latest(Instant... all) {
        Instant max = null;
        for (Instant i : all) {
            if (i == null) {
                return null;
            }
            max = max == null || i.isAfter(max) ? i : max;
        }
        return max;
    }

    /**
     * The new engine continued at or after the old one's last sequence number. A number the drill could not read
     * (-1) fails the check: an unread state file proves nothing.
     */
    static boolean noRegression(long lastOld, long startedNew) {
        return lastOld >= 0 && startedNew >= 0 && startedNew >= lastOld;
    }

    static long seq(Path root) {
        try {
            return com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                    .readTree(root.resolve("state/engine.json").toFile()).path("seq").asLong(-1);
        } catch (IOException e) {
            return -1;
        }
    }

    /** The sequence number the site's engine last started from in the current run ("started-from-seq N"); -1 if none. */
    static long startedFromSeq(dev.baton.drill.site.SimulatedSite site) {
        return site.lastOutput("started-from-seq ");
    }
}
