package dev.baton.coordinator.runbook;

import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.SshFailure;
import dev.baton.coordinator.config.CoordinatorConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The database steps of a runbook, on the sites' PostgreSQL ({@link SiteDatabases}). In a failover they go
 * {@code fence} → {@code pg-fence-old} → {@code pg-check-replica} → {@code pg-promote} → {@code start}: the old
 * primary's engine stopped, then its database kept from taking writes (confirmed), then the replica checked to hold
 * what the old primary wrote (or the loss recorded when the old primary is gone), then promoted (confirmed by a
 * write), and only then the new engine started. Each is safe to run again when a coordinator resumes the operation.
 */
final class PostgresSteps {
    private static final Duration POLL = Duration.ofMillis(250);
    /** The most one probe of a database may take inside a polling loop. */
    private static final Duration PROBE = Duration.ofSeconds(3);
    /** How long pg-check-replica waits for the replica to catch up when its {@code duration} is not set. */
    static final Duration CATCH_UP = Duration.ofSeconds(5);

    /** How pg-fence-old kept the old site's database from taking writes; journaled as the first word of its account. */
    enum OldDatabase {
        /** Running, read-only by default, every client session ended. */
        READ_ONLY("read-only:"),
        /** Stopped: it refuses connections. */
        STOPPED("stopped:"),
        /** Unreachable on a site the fence powered off (its fencing endpoint): nothing runs there. */
        SITE_FENCED("site fenced:");

        final String prefix;

        OldDatabase(String prefix) {
            this.prefix = prefix;
        }

        /** What a pg-fence-old step's journaled account says (a resumed operation reads it back). */
        static OldDatabase fromJournal(String detail) {
            if (detail != null) {
                for (OldDatabase d : values()) {
                    if (detail.startsWith(d.prefix)) {
                        return d;
                    }
                }
            }
            return null;
        }
    }

    private final SiteDatabases databases;
    private final SiteShell shell;
    private final Clock clock;

    PostgresSteps(SiteDatabases databases, SiteShell shell, Clock clock) {
        this.databases = databases;
        this.shell = shell;
        this.clock = clock;
    }

    /**
     * The old primary's database must not take writes before the new one is promoted. {@code read-only}: set and
     * confirmed by a write a fresh session tries and the server refuses; {@code stop}: the step's command on the old
     * site, confirmed by the database refusing connections. A database the coordinator cannot reach counts as fenced
     * only when the fence powered its whole site off: a site presumed fenced by its lease has only its engine
     * stopped, and whatever else runs there may still write.
     */
    String fenceOld(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.from();
        String db = databases.describe(site);
        if (step.mode().equals("stop")) {
            return stop(step, ctx, deadline);
        }
        try {
            long ended = databases.makeReadOnly(site, remaining(deadline));
            // pg_reload_conf() signals and returns: a fresh session may start before the new default is loaded
            Optional<String> refusal = databases.writeRefusal(site, remaining(deadline));
            Instant until = min(clock.instant().plus(Duration.ofSeconds(5)), deadline);
            while (refusal.isEmpty() && clock.instant().plus(POLL).isBefore(until)) {
                Thread.sleep(POLL.toMillis());
                refusal = databases.writeRefusal(site, remaining(deadline));
            }
            if (refusal.isEmpty()) {
                throw new StepFailed("UNCONFIRMED: " + db + " still takes writes after default_transaction_read_only was set");
            }
            ctx.oldDatabase = OldDatabase.READ_ONLY;
            return OldDatabase.READ_ONLY.prefix + " " + db + " read-only by default, " + ended + " client session(s) ended, a fresh session's "
                    + "write refused (" + refusal.get() + ")";
        } catch (SiteDatabases.Unreachable e) {
            return siteFenced(ctx, db, e);
        }
    }

    private String stop(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.from();
        String db = databases.describe(site);
        try {
            ExecResult r = shell.exec(site, step.command(), ctx.epoch(), remaining(deadline));
            if (!r.succeeded()) {
                throw new StepFailed("UNCONFIRMED: stopping " + db + " on " + site + " exited " + r.exitCode() + ": " + SiteShell.firstLine(r.stderr()));
            }
        } catch (SshFailure e) {
            if (ctx.fromPoweredOff) {
                ctx.oldDatabase = OldDatabase.SITE_FENCED;
                return OldDatabase.SITE_FENCED.prefix + " " + site + " unreachable over SSH (" + e.getMessage() + "), powered off by the fence step";
            }
            throw new StepFailed("UNCONFIRMED: cannot stop " + db + ": " + e.getMessage(), e);
        }
        String last = "no answer yet";
        while (true) {
            try {
                databases.status(site, shorter(remaining(deadline), PROBE));
                last = "it still answers";
            } catch (SiteDatabases.Unreachable e) {
                // only a refused connection is a stopped server: a timeout, a full server or a shutdown in progress is not
                if (e.refused()) {
                    ctx.oldDatabase = OldDatabase.STOPPED;
                    return OldDatabase.STOPPED.prefix + " " + db + " stopped by '" + step.command() + "' and refuses connections (" + e.getMessage() + ")";
                }
                if (!e.timedOut() || last.equals("no answer yet")) {
                    last = e.getMessage();
                }
            }
            if (!clock.instant().plus(POLL).isBefore(deadline)) {
                throw new StepFailed("UNCONFIRMED: " + db + " does not refuse connections after '" + step.command() + "' exited 0: " + last);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private String siteFenced(OperationContext ctx, String db, SiteDatabases.Unreachable e) throws StepFailed {
        if (ctx.fromPoweredOff) {
            ctx.oldDatabase = OldDatabase.SITE_FENCED;
            return OldDatabase.SITE_FENCED.prefix + " " + db + " unreachable (" + e.getMessage() + "); its site was powered off by the fence step";
        }
        throw new StepFailed("UNCONFIRMED: " + e.getMessage() + (Boolean.FALSE.equals(ctx.fromReachable)
                ? "; its site was only presumed fenced (its engine stopped by the lease), so its database may still take writes: a fencing "
                        + "endpoint (power-off) or the database reachable is needed"
                : "; the site answered the fence, so its database may still take writes"));
    }

    /**
     * The replica on the new site must be a replica, and hold what the old primary wrote: its replay position at the
     * old primary's current one, or behind by at most {@code max-lag} (the time since the last transaction it
     * replayed). It waits up to the step's {@code duration} (default {@link #CATCH_UP}: the last WAL of a primary
     * just made read-only is still on its way) for that, then refuses with the lag. With the old
     * primary's database gone, checked only once pg-fence-old (or the fence) found it fenced: the replica's lag is
     * then recorded as the database RPO, an upper bound of the writes lost.
     */
    String checkReplica(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.to();
        String db = databases.describe(site);
        Duration maxLag = step.maxLag() == null ? Duration.ZERO : step.maxLag();
        Instant giveUp = min(clock.instant().plus(step.duration() == null ? CATCH_UP : step.duration()), deadline);
        while (true) {
            Lag lag = lag(ctx.from(), ctx.to(), oldGoneConfirmed(ctx), remaining(deadline));
            if (lag.acceptable(maxLag)) {
                return lag.account(db, maxLag);
            }
            if (!clock.instant().plus(POLL).isBefore(giveUp)) {
                throw new StepFailed("REFUSED: " + lag.account(db, maxLag) + (lag.old() != null ? "; above max-lag " + millis(maxLag) : "")
                        + ": not promoting");
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * How far the new site's replica is behind: bytes of WAL against the old primary when that answers, and the age
     * of its last replayed transaction.
     */
    record Lag(SiteDatabases.Status replica, SiteDatabases.Status old, String oldGone, boolean confirmedGone) {
        Long bytes() {
            if (old == null || old.currentLsn() == null || replica.replayLsn() == null) {
                return null;
            }
            return Math.max(0, old.currentLsn() - replica.replayLsn());
        }

        boolean acceptable(Duration maxLag) {
            if (old != null) {
                Long behind = bytes();
                return behind != null && (behind == 0 || replica.replayAgeSeconds() != null
                        && replica.replayAgeSeconds() * 1000 <= maxLag.toMillis());
            }
            return confirmedGone;
        }

        String account(String db, Duration maxLag) {
            String pos = "replayed " + text(replica.replayLsn()) + " (received " + text(replica.receiveLsn()) + ", WAL receiver "
                    + (replica.receiver() == null ? "not running" : replica.receiver()) + ")";
            String last = replica.replayAgeSeconds() == null ? "no transaction replayed yet"
                    : String.format(java.util.Locale.ROOT, "last replayed transaction %.3fs ago", replica.replayAgeSeconds());
            if (old != null) {
                Long behind = bytes();
                return db + " is a replica, " + pos + "; the old primary is at " + text(old.currentLsn()) + ": "
                        + (behind != null && behind == 0 ? "caught up (database RPO 0)" : behind + " bytes behind, " + last);
            }
            return db + " is a replica, " + pos + "; the old primary's database is " + oldGone
                    + (confirmedGone ? "; database RPO at most " + (replica.replayAgeSeconds() == null ? "unknown"
                            : String.format(java.util.Locale.ROOT, "%.3fs", replica.replayAgeSeconds())) + " of writes (" + last + ")"
                            : " and not confirmed fenced: the replica's lag cannot be told");
        }
    }

    private static boolean oldGoneConfirmed(OperationContext ctx) {
        return ctx.oldDatabase == OldDatabase.STOPPED || ctx.oldDatabase == OldDatabase.SITE_FENCED || ctx.fromPoweredOff;
    }

    /**
     * The old primary read first, then the replica: "caught up" means the replica holds at least what the old primary
     * had written when it was read (what it writes after that is not counted against the replica).
     */
    private Lag lag(String from, String to, boolean oldGoneConfirmed, Duration timeout) throws StepFailed {
        SiteDatabases.Status old = null;
        String oldGone = null;
        try {
            old = databases.status(from, timeout);
        } catch (SiteDatabases.Unreachable e) {
            oldGone = "unreachable (" + e.getMessage() + ")";
        }
        SiteDatabases.Status replica;
        try {
            replica = databases.status(to, timeout);
        } catch (SiteDatabases.Unreachable e) {
            throw new StepFailed(e.getMessage());
        }
        if (!replica.inRecovery()) {
            throw new StepFailed("REFUSED: " + databases.describe(to) + " is not a replica (pg_is_in_recovery() is false): promoting it "
                    + "promotes nothing, and two primaries may be taking writes");
        }
        if (old != null && old.inRecovery()) {
            throw new StepFailed("REFUSED: " + databases.describe(from) + " is a replica too: no primary to compare with");
        }
        return old != null ? new Lag(replica, old, null, false) : new Lag(replica, null, oldGone, oldGoneConfirmed);
    }

    /**
     * {@code pg_promote(wait => true)} on the new site, confirmed by {@code pg_is_in_recovery() = false} and a write
     * a fresh session makes. A server already promoted (a resumed operation) is only confirmed: never promoted twice.
     */
    String promote(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed {
        String site = ctx.to();
        String db = databases.describe(site);
        try {
            SiteDatabases.Status before = databases.status(site, remaining(deadline));
            String how;
            if (before.inRecovery()) {
                long wait = Math.min(step.duration() == null ? 60 : Math.max(1, step.duration().toSeconds()), Math.max(1, remaining(deadline).toSeconds()));
                if (!databases.promote(site, (int) wait, remaining(deadline))) {
                    throw new StepFailed("pg_promote() on " + db + " did not finish within " + wait + "s (requested: PostgreSQL may still "
                            + "complete it; a run again of this step confirms it then)");
                }
                how = "promoted (pg_promote)";
            } else {
                how = "already promoted (not a replica when this step began: resumed)";
            }
            SiteDatabases.Status after = databases.status(site, remaining(deadline));
            if (after.inRecovery()) {
                throw new StepFailed("UNCONFIRMED: " + db + " still in recovery after pg_promote()");
            }
            if (after.readOnlyDefault()) {
                // a pg-fence-old of an earlier failover made it read-only as the old primary; a primary again, it takes writes
                databases.resetReadOnly(site, remaining(deadline));
                how += ", default_transaction_read_only reset";
            }
            Optional<String> refusal = databases.writeRefusal(site, remaining(deadline));
            if (refusal.isPresent()) {
                throw new StepFailed("UNCONFIRMED: " + db + " promoted but refuses writes: " + refusal.get());
            }
            return db + " " + how + ", out of recovery at " + text(after.currentLsn()) + ", a write confirmed";
        } catch (SiteDatabases.Unreachable e) {
            throw new StepFailed(e.getMessage());
        }
    }

    /** How long pg-rejoin waits for the rejoined database to stream and catch up when its {@code duration} is not set. */
    static final Duration REJOIN = Duration.ofMinutes(2);

    /**
     * Failback's first half: the new site's database (the old primary, fenced by the failover) made a streaming
     * replica of the old site's (the primary since then) by the step's {@code command} run on the new site with
     * {@code BATON_PG_UPSTREAM_HOST}/{@code BATON_PG_UPSTREAM_PORT} after a {@code CHECKPOINT} on the primary (so that
     * pg_rewind sees its new timeline) (deploy/site/baton-pg-rejoin: stop, pg_rewind,
     * standby.signal, primary_conninfo, start), then confirmed: in recovery, its WAL receiver streaming, and caught up
     * with the primary (or within {@code max-lag}) before the step's {@code duration} (default {@link #REJOIN}) runs
     * out. A database already streaming when the step begins (a resumed operation, or rejoined by hand) is only
     * confirmed.
     */
    String rejoin(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.to();
        String db = databases.describe(site);
        String how;
        if (streaming(site, deadline)) {
            how = "already a streaming replica (not touched)";
        } else {
            CoordinatorConfig.Database upstream = databases.settings(ctx.from());
            try {
                databases.checkpoint(ctx.from(), remaining(deadline));
            } catch (SiteDatabases.Unreachable e) {
                throw new StepFailed("cannot rejoin " + db + ": the primary to follow does not answer: " + e.getMessage());
            }
            try {
                ExecResult r = shell.exec(site, step.command(), ctx.epoch(), java.util.Map.of("BATON_PG_UPSTREAM_HOST", upstream.host().orElseThrow(),
                        "BATON_PG_UPSTREAM_PORT", Integer.toString(upstream.port())), remaining(deadline));
                if (!r.succeeded()) {
                    throw new StepFailed("'" + step.command() + "' on " + site + " exited " + r.exitCode() + ": " + lastLine(r.stderr())
                            + " (" + db + " may be left stopped: a base backup from the active primary brings it back)");
                }
            } catch (SshFailure e) {
                throw new StepFailed("cannot rejoin " + db + ": " + e.getMessage(), e);
            }
            how = "made a replica by '" + step.command() + "'";
        }
        Duration maxLag = step.maxLag() == null ? Duration.ZERO : step.maxLag();
        Instant giveUp = min(clock.instant().plus(step.duration() == null ? REJOIN : step.duration()), deadline);
        String last = "no answer yet";
        while (true) {
            try {
                SiteDatabases.Status primary = databases.status(ctx.from(), remaining(giveUp));
                SiteDatabases.Status replica = databases.status(site, remaining(giveUp));
                Lag lag = new Lag(replica, primary, null, false);
                last = replica.inRecovery() ? lag.account(db, maxLag) : db + " is not in recovery";
                if (replica.inRecovery() && "streaming".equals(replica.receiver()) && lag.acceptable(maxLag)) {
                    return db + " " + how + "; " + last;
                }
            } catch (SiteDatabases.Unreachable e) {
                last = e.getMessage();
            }
            if (!clock.instant().plus(POLL).isBefore(giveUp)) {
                throw new StepFailed(db + " " + how + " but does not stream caught up with " + databases.describe(ctx.from()) + ": " + last);
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    private boolean streaming(String site, Instant deadline) {
        try {
            SiteDatabases.Status s = databases.status(site, remaining(deadline));
            return s.inRecovery() && "streaming".equals(s.receiver());
        } catch (SiteDatabases.Unreachable e) {
            return false;
        }
    }

    private static String lastLine(String text) {
        String[] lines = text == null ? new String[0] : text.strip().split("\n");
        return lines.length == 0 ? "" : lines[lines.length - 1];
    }

    /** What a dry run shows for a database step: the precondition as it stands now. Never changes anything. */
    String evaluate(RunbookStep step, String from, String to) {
        Duration t = Duration.ofSeconds(5);
        try {
            return switch (step.type()) {
                case "pg-fence-old" -> {
                    SiteDatabases.Status s = databases.status(from, t);
                    yield "now: " + databases.describe(from) + " answers, " + (s.inRecovery() ? "a replica" : "a primary")
                            + (s.readOnlyDefault() ? ", already read-only by default" : ", taking writes");
                }
                case "pg-check-replica" -> {
                    Lag lag = lag(from, to, false, t);
                    Duration max = step.maxLag() == null ? Duration.ZERO : step.maxLag();
                    yield "now: " + lag.account(databases.describe(to), max) + (lag.acceptable(max) ? ": would pass"
                            : lag.old() != null ? ": would wait, then refuse if still above max-lag " + millis(max) : ": would refuse unless the fence finds "
                                    + from + " unreachable");
                }
                case "pg-rejoin" -> {
                    SiteDatabases.Status s = databases.status(to, t);
                    yield "now: " + databases.describe(to) + (s.inRecovery() ? " is a replica (WAL receiver " + (s.receiver() == null ? "not running"
                            : s.receiver()) + ")" : " is a primary: would be made a replica of " + databases.describe(from) + " by its command");
                }
                case "pg-promote" -> {
                    SiteDatabases.Status s = databases.status(to, t);
                    yield "now: " + databases.describe(to) + (s.inRecovery() ? " is a replica (WAL receiver "
                            + (s.receiver() == null ? "not running" : s.receiver()) + "): can be promoted" : " is NOT a replica: nothing to promote");
                }
                default -> "";
            };
        } catch (SiteDatabases.Unreachable e) {
            return "now: " + e.getMessage();
        } catch (StepFailed e) {
            return "now: " + e.getMessage();
        }
    }

    static String text(Long lsn) {
        return lsn == null ? "-" : Long.toHexString(lsn >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(lsn & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    private Duration remaining(Instant deadline) {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    private static Duration shorter(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
