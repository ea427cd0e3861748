package dev.baton.drill.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The database world's scenarios (issue #18; {@code DrillMain database}): a failover and the failback after it, with
 * the orders the engines committed counted on both servers. Each reports the database RPO in rows and seconds (the
 * old primary's last committed order against the last of its orders the new primary holds), the promotion, the
 * failback's rejoin (and whether it rewound), and the failback's own RPO, beside the file-state figures.
 */
public final class DatabaseScenarios {
    public static final List<String> NAMES = List.of("db-old-primary-up", "db-host-loss", "db-host-loss-lagging");
    /** How long the lagging scenario keeps the replication path cut before the host dies: 5 orders a second go unreplicated. */
    static final Duration LAG = Duration.ofSeconds(2);
    private static final Pattern RPO_BOUND = Pattern.compile("database RPO at most ([0-9.]+)s");

    private DatabaseScenarios() {
    }

    public static DrillReport run(String name, DrillWorld w, Duration limit) throws Exception {
        DrillDatabases dbs = w.databases().orElseThrow(() -> new IllegalStateException(name + " needs the database world (DrillMain database, "
                + "or BATON_DRILL_DATABASE=pair)"));
        return switch (name) {
            case "db-old-primary-up" -> oldPrimaryUp(w, dbs, limit);
            case "db-host-loss" -> hostLoss(w, dbs, limit, false);
            case "db-host-loss-lagging" -> hostLoss(w, dbs, limit, true);
            default -> throw new IllegalArgumentException("unknown database scenario " + name + "; known: " + NAMES);
        };
    }

    /**
     * The primary's engine crashes; its host and database stay up. Baton must fence the old database (read-only,
     * confirmed) before the standby's engine starts, find the replica caught up (database RPO 0 rows), promote it;
     * on failback make the old primary a replica of the new one and promote it back, losing none of the orders the
     * standby took.
     */
    static DrillReport oldPrimaryUp(DrillWorld w, DrillDatabases dbs, Duration limit) throws Exception {
        DrillReport report = new DrillReport("db-old-primary-up");
        w.timeline().record("fault", "primary engine killed (SIGKILL); its host and database stay up");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long last = Scenarios.seq(w.primary().root());
        long redisLast = dbs.hasRedis() ? dbs.redisLastSeq("primary", "primary") : -1;
        FaultScenarios.failoverFigures(w, report, fault, () -> last, limit, true);
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        String fenced = FaultScenarios.stepDetail(op, "pg-fence-old");
        report.check("the old primary's database fenced read-only and confirmed", fenced.startsWith("read-only:"), "pg-fence-old: " + fenced);
        DrillDatabases.Orders old = databaseFailoverFigures(w, dbs, report, op, fault);
        report.check("database RPO 0 rows (replica caught up, old primary reachable)", "0".equals(report.figures().get("database RPO (rows)")),
                "lost " + report.figures().get("database RPO (rows)") + " row(s)");
        redisFailover(w, dbs, report, redisLast, true);
        failbackWithRejoin(w, dbs, report, limit, old);
        FaultScenarios.settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The primary's host dies at once: its engine, its database (an immediate shutdown, as a power cut leaves it),
     * its SSH server and every path to it. The database world configures the primary's power API as its fencing
     * endpoint: the only way Baton may count an unreachable database as fenced. {@code lagging}: the replication path was cut {@link #LAG}
     * before, so the replica misses what the primary committed since. The database RPO is measured once the host is
     * back (its server started again, holding its last orders) and compared with the bound Baton recorded; the
     * failback then rewinds the diverged old primary into a replica.
     */
    static DrillReport hostLoss(DrillWorld w, DrillDatabases dbs, Duration limit, boolean lagging) throws Exception {
        DrillReport report = new DrillReport(lagging ? "db-host-loss-lagging" : "db-host-loss");
        if (lagging) {
            dbs.cutReplication();
            w.timeline().record("fault", "replication path cut: the standby's replica lags while the primary commits orders");
            Thread.sleep(LAG.toMillis());
        }
        w.timeline().record("fault", "primary host lost: engine killed, database down (immediate), SSH server down, every path cut, "
                + "its observer gone");
        Instant fault = Instant.now();
        w.primary().crashEngine();
        long redisLast = dbs.hasRedis() ? dbs.redisLastSeq("primary", "primary") : -1;
        dbs.crash("primary");
        if (dbs.hasRedis()) {
            dbs.crashRedis("primary");
        }
        long last = Scenarios.seq(w.primary().root());
        w.primary().cutSsh();
        for (String observer : DrillWorld.OBSERVERS) {
            w.cutLinks(observer, w.primary());
        }
        w.killObserver("primary-side");
        FaultScenarios.failoverFigures(w, report, fault, () -> last, limit, false);
        JsonNode op = Scenarios.lastOperation(w, "FAILOVER");
        String fenced = FaultScenarios.stepDetail(op, "pg-fence-old");
        report.check("the unreachable old database counted fenced only with its site powered off", fenced.startsWith("site fenced:")
                && w.power().isOff(), "pg-fence-old: " + fenced + "; power " + (w.power().isOff() ? "off" : "on"));

        w.timeline().record("repair", "primary host back: power on, SSH server and paths restored, its observer started, its database "
                + "started again on its data (its engine stays behind its start gate)");
        w.power().powerOn();
        dbs.healReplication();
        w.primary().restoreSsh();
        for (String observer : DrillWorld.OBSERVERS) {
            w.restoreLinks(observer, w.primary());
        }
        w.restartService("health-checker-primary-side");
        dbs.startAgain("primary");
        DrillDatabases.Orders old = databaseFailoverFigures(w, dbs, report, op, fault);
        redisFailover(w, dbs, report, redisLast, false);
        if (dbs.hasRedis()) {
            dbs.startRedisAgain("primary");
        }
        Double lostSeconds = seconds(report.figures().get("database RPO (seconds)"));
        Matcher bound = RPO_BOUND.matcher(FaultScenarios.stepDetail(op, "pg-check-replica"));
        Double recorded = bound.find() ? Double.valueOf(bound.group(1)) : null;
        report.figure("database RPO recorded by Baton (bound)", recorded == null ? "n/a" : String.format(java.util.Locale.ROOT, "%.2f s", recorded));
        report.check("Baton's recorded database RPO bounds the writes lost", recorded != null && lostSeconds != null && lostSeconds <= recorded + 0.001,
                "recorded at most " + recorded + " s, lost " + lostSeconds + " s");
        failbackWithRejoin(w, dbs, report, limit, old);
        FaultScenarios.settleChecks(w, report, 1, true);
        return report;
    }

    /**
     * The failover's database figures: promotion time, the database RPO (rows and seconds: the old primary's orders
     * after the last one the new primary holds, and how much later the last of them was committed), what the
     * replica check journaled, and the ordering invariant: the old database fenced before the new engine started.
     * Returns the old primary's own orders as its server holds them.
     */
    private static DrillDatabases.Orders databaseFailoverFigures(DrillWorld w, DrillDatabases dbs, DrillReport report, JsonNode op, Instant fault)
            throws Exception {
        report.figure("promotion (pg-promote)", Scenarios.stepDuration(op, "pg-promote"));
        report.figure("replica check (Baton)", FaultScenarios.stepDetail(op, "pg-check-replica").replaceFirst("^.*?; ", ""));
        Instant fencedAt = instant(FaultScenarios.step(op, "pg-fence-old").path("finishedAt"));
        Instant started = instant(FaultScenarios.step(op, "start").path("startedAt"));
        Instant login = w.logins().stream().filter(l -> l.engine().equals("standby") && !l.at().isBefore(w.baseline().at())).map(l -> l.at())
                .findFirst().orElse(null);
        report.check("old database fenced before the new engine started and logged in", fencedAt != null && started != null && login != null
                && !fencedAt.isAfter(started) && fencedAt.isBefore(login), "pg-fence-old finished " + fencedAt + ", start began " + started
                + ", standby's first login " + login);
        DrillDatabases.Orders old = dbs.orders("primary", "primary");
        DrillDatabases.Orders kept = dbs.orders("standby", "primary");
        long lost = dbs.ordersAfter("primary", "primary", kept.lastId());
        report.figure("database RPO (rows)", Long.toString(lost));
        report.figure("database RPO (seconds)", lost == 0 ? "0.00 s" : kept.lastAt() == null || old.lastAt() == null ? "n/a"
                : String.format(java.util.Locale.ROOT, "%.2f s", Duration.between(kept.lastAt(), old.lastAt()).toMillis() / 1000.0));
        report.figure("orders on the old primary", old.count() + " (last id " + old.lastId() + ")");
        Instant[] first = new Instant[1];
        Scenarios.follow(w, Duration.ofSeconds(30), "the standby's engine commits orders to its promoted database", () -> {
            try {
                first[0] = dbs.firstOrderSince("standby", "standby", w.baseline().at());
                return first[0] != null;
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        report.figure("database RTO (fault -> first order on the new primary)", Scenarios.between(fault, first[0]));
        report.check("the new engine commits orders to the promoted database", first[0] != null, first[0] == null ? "none seen in 30 s"
                : "the first committed at " + first[0]);
        return old;
    }

    /**
     * The failback: Baton makes the old primary's server a replica of the standby's ({@code baton-pg-rejoin}: rewound
     * when it diverged), fences the standby's, promotes the primary's back. Figures: the rejoin step, whether it
     * rewound, the failback's RPO in rows (the standby's orders the primary lacks); checks: none lost, the two servers'
     * histories agree (the old primary's unreplicated orders are gone with the rewind), the primary takes orders again.
     */
    private static void failbackWithRejoin(DrillWorld w, DrillDatabases dbs, DrillReport report, Duration limit, DrillDatabases.Orders old)
            throws Exception {
        long logFrom = size(dbs.rejoinLog("primary"));
        Scenarios.failback(w, report, limit);
        JsonNode op = Scenarios.lastOperation(w, "FAILBACK");
        report.figure("failback rejoin (pg-rejoin)", Scenarios.stepDuration(op, "pg-rejoin"));
        report.figure("failback promotion (pg-promote)", Scenarios.stepDuration(op, "pg-promote"));
        String rejoin = since(dbs.rejoinLog("primary"), logFrom);
        report.figure("failback rejoin kind", rejoin.contains("no rewind required") ? "no rewind required"
                : rejoin.contains("pg_rewind: Done") ? "rewound (pg_rewind)" : rejoin.isBlank() ? "n/a" : "unknown");
        DrillDatabases.Orders onStandby = dbs.orders("standby", "standby");
        DrillDatabases.Orders onPrimary = dbs.orders("primary", "standby");
        long lost = dbs.ordersAfter("standby", "standby", onPrimary.lastId());
        report.figure("failback database RPO (rows)", Long.toString(lost));
        report.check("failback lost none of the standby's orders", onStandby.count() > 0 && lost == 0,
                onStandby.count() + " order(s) on the standby's server, " + onPrimary.count() + " of them on the primary's");
        // the old primary's own orders from before the failover that the standby's server never got
        String unreplicated = "site = 'primary' AND seq <= " + old.lastSeq() + " AND id > " + dbs.orders("standby", "primary").lastId();
        long survived = dbs.count("primary", unreplicated);
        report.check("the servers' histories agree (the old primary's unreplicated orders are gone with the rejoin)", survived == 0,
                survived + " of them still on the primary's server");
        long before = dbs.lastId("primary");
        Instant resumed = Scenarios.follow(w, Duration.ofSeconds(30), "the primary's engine commits orders again", () -> {
            try {
                return dbs.ordersAfter("primary", "primary", before) > 0;
            } catch (java.sql.SQLException e) {
                return false;
            }
        });
        redisFailback(w, dbs, report);
        report.check("the primary's server is a writable primary again, taking its engine's orders", resumed != null && !dbs.inRecovery("primary"),
                resumed == null ? "no order committed on it within 30 s of the failback" : dbs.inRecovery("primary") ? "it is in recovery"
                        : "orders committed on it, not in recovery");
    }

    /**
     * The Redis side of the failover: the standby's Redis a primary taking the new engine's orders, what it holds of
     * the old engine's (the Redis RPO in entries, against the old primary's list as the dead engine left it), and,
     * where the old primary's Redis survived ({@code oldUp}), that Baton made it a replica of the new one.
     */
    private static void redisFailover(DrillWorld w, DrillDatabases dbs, DrillReport report, long oldLast, boolean oldUp) throws Exception {
        if (!dbs.hasRedis()) {
            return;
        }
        Instant writing = Scenarios.follow(w, Duration.ofSeconds(30), "the standby's engine appends orders to its promoted Redis",
                () -> dbs.redisLastSeq("standby", "standby") >= 0);
        String role = dbs.redisRole("standby");
        report.check("the standby's Redis promoted and taking the new engine's orders", role.equals("master") && writing != null,
                "ROLE " + role + (writing == null ? ", no order of the standby's engine in 30 s" : ", the standby's orders arrive"));
        long kept = dbs.redisLastSeq("standby", "primary");
        report.figure("Redis RPO (entries)", oldLast < 0 || kept < 0 ? "n/a" : Long.toString(Math.max(0, oldLast - kept)));
        if (oldUp) {
            String oldRole = dbs.redisRole("primary");
            report.check("the old primary's Redis made a replica of the new one", oldRole.equals("slave"), "ROLE " + oldRole);
        }
    }

    /** After the failback: the primary's Redis a primary again holding the standby's orders, the standby's its replica. */
    private static void redisFailback(DrillWorld w, DrillDatabases dbs, DrillReport report) throws Exception {
        if (!dbs.hasRedis()) {
            return;
        }
        long standbyLast = w.standby().lastOutput("stopped-at-seq ");
        long kept = dbs.redisLastSeq("primary", "standby");
        report.figure("failback Redis RPO (entries)", standbyLast < 0 || kept < 0 ? "n/a" : Long.toString(Math.max(0, standbyLast - kept)));
        Instant replica = Scenarios.follow(w, Duration.ofSeconds(30), "the standby's Redis follows the primary's",
                () -> dbs.redisRole("standby").equals("slave"));
        report.check("Redis back: the primary's a primary, the standby's its replica", dbs.redisRole("primary").equals("master") && replica != null,
                "primary's ROLE " + dbs.redisRole("primary") + ", standby's " + dbs.redisRole("standby"));
    }

    private static Instant instant(JsonNode at) {
        return at == null || !at.isTextual() ? null : Instant.parse(at.asText());
    }

    private static Double seconds(String figure) {
        return figure == null || !figure.endsWith(" s") ? null : Double.valueOf(figure.substring(0, figure.length() - 2));
    }

    private static long size(Path f) throws java.io.IOException {
        return Files.exists(f) ? Files.size(f) : 0;
    }

    private static String since(Path f, long offset) throws java.io.IOException {
        if (!Files.exists(f)) {
            return "";
        }
        byte[] all = Files.readAllBytes(f);
        return new String(all, (int) Math.min(offset, all.length), (int) Math.max(0, all.length - offset), java.nio.charset.StandardCharsets.UTF_8);
    }
}
