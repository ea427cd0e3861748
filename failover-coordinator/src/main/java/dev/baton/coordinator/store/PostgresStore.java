package dev.baton.coordinator.store;

import dev.baton.common.wire.FailoverState;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The single-site decision store: the coordinator's state, operations, step journal, history, audit and leader
 * lease in one PostgreSQL database, through the reactive client. Methods block until the database answers: call
 * them from worker threads only (the runbook, the scheduler, {@code @Blocking} resources), never from an event loop.
 */
public class PostgresStore implements CoordinatorStore {
    private static final Duration DB_TIMEOUT = Duration.ofSeconds(10);
    private static final String STATE_COLUMNS = "state, active_site, epoch, frozen, frozen_reason, frozen_until, current_operation, "
            + "last_failover, last_failback, last_operation_end, remediated_at, last_decision";
    private static final String OP_COLUMNS = "id, kind, trigger, from_site, to_site, reason, status, epoch, previous_state, decision, "
            + "started_at, finished_at, detail, rpo_seconds";
    private static final String OP_SELECT = OP_COLUMNS + ", fenced_at, session_released_at, session_released_by, session_release";

    private final Pool pool;

    public PostgresStore(Pool pool) {
        this.pool = pool;
    }

    public void initialise(String activeSite, FailoverState state, long epoch) {
        run(pool.preparedQuery("INSERT INTO coordinator_state (id, state, active_site, epoch, updated_at) VALUES (1, $1, $2, $3, now()) "
                + "ON CONFLICT (id) DO NOTHING").execute(tuple(state.name(), activeSite, epoch)));
    }

    public StateRow state() {
        RowSet<Row> rows = run(pool.query("SELECT " + STATE_COLUMNS + " FROM coordinator_state WHERE id = 1").execute());
        if (!rows.iterator().hasNext()) {
            throw new IllegalStateException("coordinator_state is not initialised");
        }
        return toState(rows.iterator().next());
    }

    /**
     * Starts an operation if the state is still what the caller decided on: same state, same epoch, none
     * running. Bumps the epoch to {@code op.epoch()} and journals every planned step as PENDING in the same
     * transaction, so a coordinator killed at any instant leaves either no operation or one whose whole plan a
     * restart can resume. False = someone else acted first.
     */
    public boolean begin(OperationRow op, List<PlannedStep> plan, FailoverState expectedState, long expectedEpoch,
            FailoverState newState) {
        return run(pool.withTransaction(conn -> locked(conn).flatMap(row -> {
            if (row.state() != expectedState || row.epoch() != expectedEpoch || row.currentOperation() != null) {
                return Uni.createFrom().item(false);
            }
            return conn.preparedQuery("INSERT INTO operations (" + OP_COLUMNS + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)")
                    .execute(tuple(op.id(), op.kind().name(), op.trigger(), op.fromSite(), op.toSite(), op.reason(),
                            op.status().name(), op.epoch(), op.previousState().name(), op.decision(), ts(op.startedAt()),
                            ts(op.finishedAt()), op.detail(), op.rpoSeconds()))
                    .flatMap(x -> plan.isEmpty() ? Uni.createFrom().item(x)
                            : conn.preparedQuery("INSERT INTO operation_steps (operation_id, idx, name, type, status) VALUES ($1, $2, $3, $4, 'PENDING')")
                                    .executeBatch(journal(op.id(), plan)))
                    .flatMap(x -> conn.preparedQuery("UPDATE coordinator_state SET state = $1, epoch = $2, current_operation = $3, "
                            + "updated_at = now() WHERE id = 1").execute(tuple(newState.name(), op.epoch(), op.id())))
                    .map(x -> true);
        })));
    }

    /**
     * Ends an operation and sets the resulting state, only if the stored epoch is still the operation's
     * (a coordinator whose epoch was overtaken cannot write). False = refused as stale.
     */
    public boolean finish(UUID id, long epoch, OperationRow.Status status, FailoverState newState, String activeSite,
            String detail, Instant at) {
        return run(pool.withTransaction(conn -> locked(conn).flatMap(row -> {
            if (row.epoch() != epoch) {
                return Uni.createFrom().item(false);
            }
            return conn.preparedQuery("UPDATE operations SET status = $1, finished_at = $2, detail = $3 WHERE id = $4 RETURNING kind")
                    .execute(tuple(status.name(), ts(at), detail, id))
                    .flatMap(ops -> {
                        String kind = ops.iterator().hasNext() ? ops.iterator().next().getString(0) : "";
                        String last = status != OperationRow.Status.SUCCEEDED ? ""
                                : kind.equals("FAILOVER") ? ", last_failover = $3" : ", last_failback = $3";
                        return conn.preparedQuery("UPDATE coordinator_state SET state = $1, active_site = $2, current_operation = NULL, "
                                + "last_operation_end = $3, updated_at = now()" + last + " WHERE id = 1")
                                .execute(tuple(newState.name(), activeSite, ts(at)));
                    })
                    .map(x -> true);
        })));
    }

    /** Records which site now runs the engine (set as soon as the new site's stack is started). */
    public void setActiveSite(String site) {
        run(pool.preparedQuery("UPDATE coordinator_state SET active_site = $1, updated_at = now() WHERE id = 1").execute(tuple(site)));
    }

    /** Moves to DEGRADED outside an operation (e.g. the split-brain guard could not fence). */
    public void degrade() {
        run(pool.query("UPDATE coordinator_state SET state = 'DEGRADED', updated_at = now() WHERE id = 1").execute());
    }

    /** Leaves DEGRADED for {@code state}, only if still DEGRADED with nothing running. */
    public boolean resolve(FailoverState state) {
        RowSet<Row> rows = run(pool.preparedQuery("UPDATE coordinator_state SET state = $1, updated_at = now() "
                + "WHERE id = 1 AND state = 'DEGRADED' AND current_operation IS NULL RETURNING id").execute(tuple(state.name())));
        return rows.iterator().hasNext();
    }

    public void setRpo(UUID id, double seconds) {
        run(pool.preparedQuery("UPDATE operations SET rpo_seconds = $1 WHERE id = $2").execute(tuple(seconds, id)));
    }

    /** Journals how the broker released the fenced engine's session (before the start step may run). */
    public void setSessionRelease(UUID id, SessionRelease r) {
        run(pool.preparedQuery("UPDATE operations SET fenced_at = $1, session_released_at = $2, session_released_by = $3, "
                + "session_release = $4 WHERE id = $5").execute(tuple(ts(r.fencedAt()), ts(r.releasedAt()), r.by().label(), r.detail(), id)));
    }

    public void setRemediatedAt(Instant at) {
        run(pool.preparedQuery("UPDATE coordinator_state SET remediated_at = $1, updated_at = now() WHERE id = 1").execute(tuple(ts(at))));
    }

    public void setLastDecision(String json) {
        run(pool.preparedQuery("UPDATE coordinator_state SET last_decision = $1 WHERE id = 1").execute(tuple(json)));
    }

    public void freeze(String reason, Instant until) {
        run(pool.preparedQuery("UPDATE coordinator_state SET frozen = true, frozen_reason = $1, frozen_until = $2, updated_at = now() WHERE id = 1")
                .execute(tuple(reason, ts(until))));
    }

    public void unfreeze() {
        run(pool.query("UPDATE coordinator_state SET frozen = false, frozen_reason = NULL, frozen_until = NULL, updated_at = now() WHERE id = 1")
                .execute());
    }

    // ---- operations and steps

    public Optional<OperationRow> operation(UUID id) {
        RowSet<Row> rows = run(pool.preparedQuery("SELECT " + OP_SELECT + " FROM operations WHERE id = $1").execute(tuple(id)));
        return rows.iterator().hasNext() ? Optional.of(toOperation(rows.iterator().next())) : Optional.empty();
    }

    public List<OperationRow> operations(int limit) {
        return list(run(pool.preparedQuery("SELECT " + OP_SELECT + " FROM operations ORDER BY started_at DESC LIMIT $1")
                .execute(tuple(limit))), PostgresStore::toOperation);
    }

    public List<OperationRow> running() {
        return list(run(pool.query("SELECT " + OP_SELECT + " FROM operations WHERE status = 'RUNNING' ORDER BY started_at").execute()),
                PostgresStore::toOperation);
    }

    /** Start times of failovers (not failbacks) since {@code since}: the rolling daily cap counts these. */
    public List<Instant> failoversSince(Instant since) {
        return list(run(pool.preparedQuery("SELECT started_at FROM operations WHERE kind = 'FAILOVER' AND started_at > $1")
                .execute(tuple(ts(since)))), r -> r.getOffsetDateTime(0).toInstant());
    }

    private static List<Tuple> journal(UUID op, List<PlannedStep> plan) {
        List<Tuple> rows = new ArrayList<>(plan.size());
        for (int i = 0; i < plan.size(); i++) {
            rows.add(tuple(op, i, plan.get(i).name(), plan.get(i).type()));
        }
        return rows;
    }

    public void stepStarted(UUID op, int index, Instant at) {
        run(pool.preparedQuery("UPDATE operation_steps SET status = 'RUNNING', attempts = attempts + 1, "
                + "started_at = COALESCE(started_at, $3), finished_at = NULL WHERE operation_id = $1 AND idx = $2")
                .execute(tuple(op, index, ts(at))));
    }

    /** What a running step is doing now (a long wait explains itself in the operation view and on the status page). */
    public void stepProgress(UUID op, int index, String detail) {
        run(pool.preparedQuery("UPDATE operation_steps SET detail = $3 WHERE operation_id = $1 AND idx = $2 AND status = 'RUNNING'")
                .execute(tuple(op, index, detail)));
    }

    public void stepFinished(UUID op, int index, StepRow.Status status, String detail, Instant at) {
        run(pool.preparedQuery("UPDATE operation_steps SET status = $3, detail = $4, finished_at = $5 WHERE operation_id = $1 AND idx = $2")
                .execute(tuple(op, index, status.name(), detail, ts(at))));
    }

    public List<StepRow> steps(UUID op) {
        return list(run(pool.preparedQuery("SELECT idx, name, type, status, attempts, started_at, finished_at, detail FROM operation_steps "
                + "WHERE operation_id = $1 ORDER BY idx").execute(tuple(op))),
                r -> new StepRow(r.getInteger(0), r.getString(1), r.getString(2), StepRow.Status.valueOf(r.getString(3)), r.getInteger(4),
                        instant(r.getOffsetDateTime(5)), instant(r.getOffsetDateTime(6)), r.getString(7)));
    }

    // ---- history and audit

    public void history(String kind, UUID operation, String summary) {
        run(pool.preparedQuery("INSERT INTO history (at, kind, operation_id, summary) VALUES (now(), $1, $2, $3)")
                .execute(tuple(kind, operation, summary)));
    }

    public List<HistoryEntry> history(int limit) {
        return list(run(pool.preparedQuery("SELECT id, at, kind, operation_id, summary FROM history ORDER BY id DESC LIMIT $1")
                .execute(tuple(limit))),
                r -> new HistoryEntry(r.getLong(0), r.getOffsetDateTime(1).toInstant(), r.getString(2), r.getUUID(3), r.getString(4)));
    }

    public void audit(String action, String actor, String reason, String detail) {
        run(pool.preparedQuery("INSERT INTO audit (at, action, actor, reason, detail) VALUES (now(), $1, $2, $3, $4)")
                .execute(tuple(action, actor, reason, detail)));
    }

    public List<AuditEntry> audit(int limit) {
        return list(run(pool.preparedQuery("SELECT at, action, actor, reason, detail FROM audit ORDER BY id DESC LIMIT $1").execute(tuple(limit))),
                r -> new AuditEntry(r.getOffsetDateTime(0).toInstant(), r.getString(1), r.getString(2), r.getString(3), r.getString(4)));
    }

    // ---- leader lease

    /**
     * Takes or renews the lease for {@code holder}. A holder that takes the lease from another (or after it lapsed)
     * starts a new term: the term only ever grows.
     *
     * @return this holder's term while it leads, empty while another holds the lease
     */
    public Optional<Long> tryLead(String holder, Duration ttl) {
        RowSet<Row> rows = run(pool.preparedQuery("INSERT INTO leader_lease (id, holder, expires_at, term) "
                + "VALUES (1, $1, now() + $2 * interval '1 millisecond', 1) "
                + "ON CONFLICT (id) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at, "
                + "term = CASE WHEN leader_lease.holder = EXCLUDED.holder AND leader_lease.expires_at >= now() THEN leader_lease.term "
                + "ELSE leader_lease.term + 1 END "
                + "WHERE leader_lease.holder = EXCLUDED.holder OR leader_lease.expires_at < now() RETURNING term")
                .execute(tuple(holder, ttl.toMillis())));
        return rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getLong(0)) : Optional.empty();
    }

    /** The lease's holder while it is valid, and the term (also after it lapsed: the term survives its holder). */
    public Optional<String> leader() {
        RowSet<Row> rows = run(pool.query("SELECT holder FROM leader_lease WHERE id = 1 AND expires_at >= now()").execute());
        return rows.iterator().hasNext() ? Optional.of(rows.iterator().next().getString(0)) : Optional.empty();
    }

    /** The last term any holder led in (0 before the first). */
    public long term() {
        RowSet<Row> rows = run(pool.query("SELECT term FROM leader_lease WHERE id = 1").execute());
        return rows.iterator().hasNext() ? rows.iterator().next().getLong(0) : 0;
    }

    /** Gives the lease up at shutdown so a follower takes over at once; the row (and its term) stays. */
    public void resign(String holder) {
        run(pool.preparedQuery("UPDATE leader_lease SET expires_at = now() - interval '1 millisecond' WHERE holder = $1")
                .execute(tuple(holder)));
    }

    // ---- plumbing

    private static Uni<StateRow> locked(SqlConnection conn) {
        return conn.query("SELECT " + STATE_COLUMNS + " FROM coordinator_state WHERE id = 1 FOR UPDATE").execute()
                .map(rows -> toState(rows.iterator().next()));
    }

    private static <T> T run(Uni<T> uni) {
        return uni.await().atMost(DB_TIMEOUT);
    }

    private static <T> List<T> list(RowSet<Row> rows, java.util.function.Function<Row, T> mapper) {
        List<T> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(mapper.apply(r));
        }
        return out;
    }

    private static StateRow toState(Row r) {
        return new StateRow(FailoverState.valueOf(r.getString("state")), r.getString("active_site"), r.getLong("epoch"),
                r.getBoolean("frozen"), r.getString("frozen_reason"), instant(r.getOffsetDateTime("frozen_until")),
                r.getUUID("current_operation"), instant(r.getOffsetDateTime("last_failover")), instant(r.getOffsetDateTime("last_failback")),
                instant(r.getOffsetDateTime("last_operation_end")), instant(r.getOffsetDateTime("remediated_at")), r.getString("last_decision"));
    }

    private static OperationRow toOperation(Row r) {
        return new OperationRow(r.getUUID("id"), OperationRow.Kind.valueOf(r.getString("kind")), r.getString("trigger"),
                r.getString("from_site"), r.getString("to_site"), r.getString("reason"), OperationRow.Status.valueOf(r.getString("status")),
                r.getLong("epoch"), FailoverState.valueOf(r.getString("previous_state")), r.getString("decision"),
                r.getOffsetDateTime("started_at").toInstant(), instant(r.getOffsetDateTime("finished_at")), r.getString("detail"),
                r.getDouble("rpo_seconds"), sessionRelease(r));
    }

    private static SessionRelease sessionRelease(Row r) {
        String by = r.getString("session_released_by");
        return by == null ? null : new SessionRelease(SessionRelease.By.parse(by), instant(r.getOffsetDateTime("fenced_at")),
                instant(r.getOffsetDateTime("session_released_at")), r.getString("session_release"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    /** Tuple.of rejects nothing, but List.of rejects nulls: build column by column. */
    private static Tuple tuple(Object... values) {
        Tuple t = Tuple.tuple();
        for (Object v : values) {
            t.addValue(v);
        }
        return t;
    }
}
