package dev.baton.notifier.store;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.pipeline.Alert;
import dev.baton.notifier.pipeline.AlertPolicy;
import dev.baton.notifier.pipeline.AlertState;
import dev.baton.notifier.pipeline.Disposition;
import dev.baton.notifier.pipeline.Silence;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BiFunction;

/**
 * The durable outbox in PostgreSQL (reactive client; schema by Flyway, {@code db/migration}). Every time is passed
 * in by the caller, so tests can move the clock and the worker's lease logic is checked against a real database.
 */
@ApplicationScoped
public class OutboxStore {
    private static final int MAX_FIRING_FOR_INHIBITION = 10_000;

    private final Pool pool;

    public OutboxStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores the alert and, if the policy says send, one PENDING delivery per channel — in one transaction, so a
     * 202 means the outbox rows are committed. Alerts with the same key are serialized by an advisory lock.
     *
     * @param groupKeyOf channel → group key for this alert
     */
    public Uni<AcceptedAlert> accept(Alert alert, AlertPolicy policy, BiFunction<String, Alert, String> groupKeyOf,
            Duration groupWait, boolean needFiring) {
        return accept(alert, policy, groupKeyOf, groupWait, needFiring, false);
    }

    /**
     * As {@link #accept}; for a {@code reminder} (the notifier re-raising a still-firing alert) a decision not to
     * send stores nothing and only moves the key's last notification time, so the next reminder is one
     * repeat interval later rather than at every poll.
     */
    public Uni<AcceptedAlert> accept(Alert alert, AlertPolicy policy, BiFunction<String, Alert, String> groupKeyOf,
            Duration groupWait, boolean needFiring, boolean reminder) {
        Instant now = alert.receivedAt();
        return pool.withTransaction(conn -> conn.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))")
                .execute(Tuple.of(alert.key()))
                .chain(() -> previousState(conn, alert.key()))
                .chain(previous -> activeSilences(conn, now)
                        .chain(silences -> (needFiring ? firing(conn) : Uni.createFrom().item(List.<AlertState>of()))
                                .map(firing -> policy.decide(alert, previous, silences, firing, now))))
                .chain(decision -> reminder && !decision.disposition().sends()
                        ? conn.preparedQuery("UPDATE alert_state SET last_notified_at = $2 WHERE alert_key = $1")
                                .execute(Tuple.of(alert.key(), odt(now)))
                                .replaceWith(new AcceptedAlert(0, decision.disposition(), decision.reason(), decision.channels()))
                        : insertAlert(conn, alert, decision)
                        .chain(id -> record(conn, id, alert, decision, groupKeyOf, groupWait)
                                .replaceWith(new AcceptedAlert(id, decision.disposition(), decision.reason(), decision.channels())))));
    }

    private Uni<AlertState> previousState(SqlConnection conn, String key) {
        return conn.preparedQuery("SELECT alert_key, firing, last_notified_at, labels FROM alert_state WHERE alert_key = $1")
                .execute(Tuple.of(key))
                .map(rows -> rows.rowCount() == 0 ? null : state(rows.iterator().next()));
    }

    private Uni<List<AlertState>> firing(SqlConnection conn) {
        return conn.preparedQuery("SELECT alert_key, firing, last_notified_at, labels FROM alert_state WHERE firing LIMIT $1")
                .execute(Tuple.of(MAX_FIRING_FOR_INHIBITION))
                .map(rows -> {
                    List<AlertState> out = new ArrayList<>();
                    rows.forEach(r -> out.add(state(r)));
                    return out;
                });
    }

    private Uni<Long> insertAlert(SqlConnection conn, Alert a, AlertPolicy.Decision d) {
        return conn.preparedQuery("""
                INSERT INTO alert (alert_key, severity, title, message, source, labels, resolved, received_at, disposition, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id""")
                .execute(Tuple.tuple(List.of(a.key(), a.severity().name(), a.title(), a.message(), a.source(),
                        json(a.labels()), a.resolved(), odt(a.receivedAt()), d.disposition().name(), d.reason())))
                .map(rows -> rows.iterator().next().getLong("id"));
    }

    private Uni<Void> record(SqlConnection conn, long alertId, Alert a, AlertPolicy.Decision d,
            BiFunction<String, Alert, String> groupKeyOf, Duration groupWait) {
        if (!d.disposition().sends()) {
            return Uni.createFrom().voidItem();
        }
        Map<String, Object> stateLabels = new LinkedHashMap<>(a.matchable());
        Uni<Void> state = conn.preparedQuery("""
                INSERT INTO alert_state (alert_key, firing, last_notified_at, labels) VALUES ($1, $2, $3, $4)
                ON CONFLICT (alert_key) DO UPDATE SET firing = $2, last_notified_at = $3, labels = $4""")
                .execute(Tuple.of(a.key(), d.disposition() != Disposition.RESOLVED, odt(a.receivedAt()), new JsonObject(stateLabels)))
                .replaceWithVoid();
        Uni<Void> chain = state;
        for (String channel : d.channels()) {
            String group = groupKeyOf.apply(channel, a);
            // A new alert joins a group still waiting; else it opens one that waits group-wait.
            chain = chain.chain(() -> conn.preparedQuery("""
                    INSERT INTO delivery (alert_id, channel, group_key, state, created_at, next_attempt_at)
                    VALUES ($1, $2, $3, 'PENDING', $4, COALESCE(
                        (SELECT min(next_attempt_at) FROM delivery
                          WHERE group_key = $3 AND state = 'PENDING' AND attempts = 0 AND next_attempt_at > $4),
                        $5))""")
                    .execute(Tuple.of(alertId, channel, group, odt(a.receivedAt()), odt(a.receivedAt().plus(groupWait))))
                    .replaceWithVoid());
        }
        return chain;
    }

    /** Still-firing keys whose last notification is at or before {@code notifiedBefore}, as their latest sent alert. */
    public Uni<List<Alert>> dueForRepeat(Instant notifiedBefore, int limit) {
        return pool.preparedQuery("""
                SELECT a.* FROM alert_state s
                  JOIN LATERAL (SELECT * FROM alert x
                                 WHERE x.alert_key = s.alert_key AND x.disposition IN ('NOTIFY', 'REPEAT')
                                 ORDER BY x.received_at DESC, x.id DESC LIMIT 1) a ON true
                 WHERE s.firing AND s.last_notified_at <= $1
                 ORDER BY s.last_notified_at
                 LIMIT $2""")
                .execute(Tuple.of(odt(notifiedBefore), limit))
                .map(rows -> {
                    List<Alert> out = new ArrayList<>();
                    rows.forEach(r -> out.add(alert(r)));
                    return out;
                });
    }

    /**
     * Claims up to {@code limit} due PENDING deliveries whose lease is free or expired, leasing them until
     * {@code leaseUntil}. {@code SKIP LOCKED} lets several workers (or a restarted one) share the outbox.
     */
    public Uni<List<ClaimedDelivery>> claim(Instant now, Instant leaseUntil, int limit) {
        return pool.preparedQuery("""
                WITH due AS (
                    SELECT id FROM delivery
                     WHERE state = 'PENDING' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1)
                     ORDER BY next_attempt_at, id
                     LIMIT $3
                     FOR UPDATE SKIP LOCKED)
                UPDATE delivery d SET lease_until = $2, attempts = d.attempts + 1
                  FROM due, alert a
                 WHERE d.id = due.id AND a.id = d.alert_id
                RETURNING d.id, d.alert_id, d.channel, d.group_key, d.attempts, d.created_at,
                          a.alert_key, a.severity, a.title, a.message, a.source, a.labels, a.resolved, a.received_at""")
                .execute(Tuple.of(odt(now), odt(leaseUntil), limit))
                .map(rows -> {
                    List<ClaimedDelivery> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new ClaimedDelivery(r.getLong("id"), r.getLong("alert_id"), r.getString("channel"),
                                r.getString("group_key"), r.getInteger("attempts"), instant(r, "created_at"), alert(r)));
                    }
                    out.sort((x, y) -> Long.compare(x.id(), y.id()));
                    return out;
                });
    }

    /** The channel accepted: never send these again. */
    public Uni<Void> markDelivered(List<Long> ids, Instant now) {
        return update("UPDATE delivery SET state = 'DELIVERED', delivered_at = $2, lease_until = NULL, last_error = NULL "
                + "WHERE id = ANY($1) AND state = 'PENDING'", Tuple.of(ids.toArray(Long[]::new), odt(now)));
    }

    /** Try again at {@code nextAttempt}; a throttled attempt does not count. */
    public Uni<Void> reschedule(List<Long> ids, Instant nextAttempt, String error, boolean countAttempt) {
        return update("UPDATE delivery SET lease_until = NULL, next_attempt_at = $2, last_error = $3, "
                + "attempts = attempts - $4 WHERE id = ANY($1) AND state = 'PENDING'",
                Tuple.of(ids.toArray(Long[]::new), odt(nextAttempt), error, countAttempt ? 0 : 1));
    }

    /** Gives up: the rows stay, DEAD, with the reason, and show at {@code GET /api/v1/alerts}. */
    public Uni<Void> deadLetter(List<Long> ids, String error) {
        return update("UPDATE delivery SET state = 'DEAD', lease_until = NULL, last_error = $2 WHERE id = ANY($1) AND state = 'PENDING'",
                Tuple.of(ids.toArray(Long[]::new), error));
    }

    /** Adds a delivery to {@code fallback} for each alert (once per alert and channel). Returns how many were added. */
    public Uni<Integer> escalate(List<Long> alertIds, String fallback, String from, Map<Long, String> groupKeys, Instant now) {
        List<Tuple> batch = alertIds.stream()
                .map(id -> Tuple.tuple(List.of(id, fallback, groupKeys.get(id), odt(now), from)))
                .toList();
        if (batch.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        return pool.preparedQuery("""
                INSERT INTO delivery (alert_id, channel, group_key, state, created_at, next_attempt_at, escalated_from)
                VALUES ($1, $2, $3, 'PENDING', $4, $4, $5) ON CONFLICT (alert_id, channel) DO NOTHING""")
                .executeBatch(batch)
                .map(rows -> {
                    int n = 0;
                    for (RowSet<Row> r = rows; r != null; r = r.next()) {
                        n += r.rowCount();
                    }
                    return n;
                });
    }

    public Uni<OutboxDepth> depth() {
        return pool.query("SELECT count(*) AS n, min(created_at) AS oldest FROM delivery WHERE state = 'PENDING'")
                .execute()
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new OutboxDepth(r.getLong("n"), Optional.ofNullable(instant(r, "oldest")));
                });
    }

    /** Newest first; with {@code deadOnly}, only alerts that have a dead-lettered delivery. */
    public Uni<List<AlertView>> recent(int limit, boolean deadOnly) {
        String where = deadOnly ? "WHERE EXISTS (SELECT 1 FROM delivery x WHERE x.alert_id = a.id AND x.state = 'DEAD')" : "";
        return pool.preparedQuery("SELECT a.* FROM alert a " + where + " ORDER BY a.received_at DESC, a.id DESC LIMIT $1")
                .execute(Tuple.of(limit))
                .chain(alerts -> {
                    List<Long> ids = new ArrayList<>();
                    alerts.forEach(r -> ids.add(r.getLong("id")));
                    return pool.preparedQuery("SELECT * FROM delivery WHERE alert_id = ANY($1) ORDER BY id")
                            .execute(Tuple.of(ids.toArray(Long[]::new)))
                            .map(deliveries -> {
                                Map<Long, List<AlertView.DeliveryView>> byAlert = new LinkedHashMap<>();
                                for (Row d : deliveries) {
                                    byAlert.computeIfAbsent(d.getLong("alert_id"), k -> new ArrayList<>()).add(
                                            new AlertView.DeliveryView(d.getString("channel"), d.getString("state"),
                                                    d.getInteger("attempts"), instant(d, "next_attempt_at"),
                                                    instant(d, "delivered_at"), d.getString("last_error"),
                                                    d.getString("escalated_from")));
                                }
                                List<AlertView> out = new ArrayList<>();
                                for (Row r : alerts) {
                                    Alert a = alert(r);
                                    out.add(new AlertView(r.getLong("id"), a.key(), a.severity(), a.title(), a.message(),
                                            a.source(), a.labels(), a.resolved(), a.receivedAt(),
                                            Disposition.valueOf(r.getString("disposition")), r.getString("reason"),
                                            byAlert.getOrDefault(r.getLong("id"), List.of())));
                                }
                                return out;
                            });
                });
    }

    public Uni<Void> createSilence(Silence s, Instant now) {
        return update("INSERT INTO silence (id, matchers, starts_at, ends_at, created_by, comment, created_at) "
                + "VALUES ($1, $2, $3, $4, $5, $6, $7)",
                Tuple.tuple(List.of(s.id(), json(s.matchers()), odt(s.startsAt()), odt(s.endsAt()), s.createdBy(),
                        s.comment(), odt(now))));
    }

    /** Silences not yet ended (active now or starting later). */
    public Uni<List<Silence>> currentSilences(Instant now) {
        return pool.preparedQuery("SELECT * FROM silence WHERE ends_at > $1 ORDER BY ends_at")
                .execute(Tuple.of(odt(now)))
                .map(OutboxStore::silences);
    }

    /** Ends a silence now. False if there is no such silence or it had already ended. */
    public Uni<Boolean> expireSilence(UUID id, Instant now) {
        return pool.preparedQuery("UPDATE silence SET ends_at = $2 WHERE id = $1 AND ends_at > $2")
                .execute(Tuple.of(id, odt(now)))
                .map(rows -> rows.rowCount() == 1);
    }

    private Uni<List<Silence>> activeSilences(SqlConnection conn, Instant now) {
        return conn.preparedQuery("SELECT * FROM silence WHERE starts_at <= $1 AND ends_at > $1")
                .execute(Tuple.of(odt(now)))
                .map(OutboxStore::silences);
    }

    private static List<Silence> silences(RowSet<Row> rows) {
        List<Silence> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(new Silence(r.getUUID("id"), strings(r.getJsonObject("matchers")), instant(r, "starts_at"),
                    instant(r, "ends_at"), r.getString("created_by"), r.getString("comment")));
        }
        return out;
    }

    private Uni<Void> update(String sql, Tuple args) {
        return pool.preparedQuery(sql).execute(args).replaceWithVoid();
    }

    private static AlertState state(Row r) {
        return new AlertState(r.getString("alert_key"), r.getBoolean("firing"), instant(r, "last_notified_at"),
                strings(r.getJsonObject("labels")));
    }

    private static Alert alert(Row r) {
        return new Alert(r.getString("alert_key"), Severity.valueOf(r.getString("severity")), r.getString("title"),
                r.getString("message"), r.getString("source"), strings(r.getJsonObject("labels")),
                r.getBoolean("resolved"), instant(r, "received_at"));
    }

    private static Map<String, String> strings(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        if (o != null) {
            o.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return out;
    }

    private static JsonObject json(Map<String, String> map) {
        return new JsonObject(new LinkedHashMap<>(map));
    }

    private static OffsetDateTime odt(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(Row r, String column) {
        OffsetDateTime t = r.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
