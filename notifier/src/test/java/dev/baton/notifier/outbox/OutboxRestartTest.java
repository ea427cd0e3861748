package dev.baton.notifier.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.testing.EmbeddedPostgresServer;
import dev.baton.common.wire.Severity;
import dev.baton.notifier.channel.ChannelRegistry;
import dev.baton.notifier.channel.DeliveryResult;
import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import dev.baton.notifier.pipeline.AlertPolicy;
import dev.baton.notifier.pipeline.Disposition;
import dev.baton.notifier.pipeline.Grouping;
import dev.baton.notifier.store.AcceptedAlert;
import dev.baton.notifier.store.ClaimedDelivery;
import dev.baton.notifier.store.OutboxStore;
import dev.baton.notifier.testing.MutableClock;
import dev.baton.notifier.testing.RecordingChannel;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgBuilder;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The outbox against a real PostgreSQL, with the clock in the test's hand: a worker killed mid-delivery (its
 * database connections gone before it could record the outcome) leaves a lease that expires, and a fresh worker
 * — a restarted notifier — delivers what was unfinished and nothing a channel had already accepted.
 */
class OutboxRestartTest {
    static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    static final Duration AWAIT = Duration.ofSeconds(30);

    static EmbeddedPostgresServer pg;
    static Vertx vertx;

    final List<Pool> pools = new ArrayList<>();
    final List<OutboxWorker> workers = new ArrayList<>();
    MutableClock clock;
    NotifierConfig config;

    @BeforeAll
    static void startDatabase() throws Exception {
        pg = EmbeddedPostgresServer.start();
        Flyway.configure().dataSource(pg.jdbcUrl(), EmbeddedPostgresServer.USER, "unused").locations("classpath:db/migration")
                .load().migrate();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        vertx.closeAndAwait();
        pg.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        pg.execute("TRUNCATE alert, alert_state, delivery, silence CASCADE");
        clock = new MutableClock(T0);
        Map<String, String> values = new HashMap<>();
        for (String ch : List.of("a", "b", "flaky", "backup")) {
            values.put("baton.notifier.channels." + ch + ".webhook.url", "http://127.0.0.1:9/unused");
            values.put("baton.notifier.channels." + ch + ".webhook.secret", "0123456789abcdef-secret");
        }
        values.put("baton.notifier.channels.flaky.escalate-after", "2");
        values.put("baton.notifier.channels.flaky.fallback", "backup");
        values.put("baton.notifier.routes[0].labels.route", "ab");
        values.put("baton.notifier.routes[0].channels", "a,b");
        values.put("baton.notifier.routes[1].labels.route", "flaky");
        values.put("baton.notifier.routes[1].channels", "flaky");
        values.put("baton.notifier.pipeline.group-wait", "5s");
        values.put("baton.notifier.outbox.lease", "60s");
        values.put("baton.notifier.outbox.senders", "1");
        values.put("baton.notifier.outbox.max-age", "1h");
        config = new SmallRyeConfigBuilder()
                .withMapping(NotifierConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build().getConfigMapping(NotifierConfig.class);
    }

    @AfterEach
    void tearDown() {
        workers.forEach(OutboxWorker::stop);
        pools.forEach(p -> p.closeAndAwait());
    }

    OutboxStore newStore() {
        PgConnectOptions connect = PgConnectOptions.fromUri(pg.reactiveUrl()).setUser(EmbeddedPostgresServer.USER).setPassword("unused");
        Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(4)).connectingTo(connect).using(vertx).build();
        pools.add(pool);
        return new OutboxStore(pool);
    }

    OutboxWorker newWorker(OutboxStore store, RecordingChannel... channels) {
        Map<String, dev.baton.notifier.channel.Channel> byName = new HashMap<>();
        for (RecordingChannel c : channels) {
            byName.put(c.name(), c);
        }
        OutboxWorker w = new OutboxWorker(config, store, new ChannelRegistry(byName), new NotifierMetrics(new SimpleMeterRegistry()), clock);
        workers.add(w);
        return w;
    }

    AcceptedAlert accept(OutboxStore store, String key, String route, Map<String, String> extra, boolean resolved) {
        Map<String, String> labels = new HashMap<>(extra);
        labels.put("route", route);
        Alert alert = new Alert(key, Severity.CRITICAL, "engine down " + key, "no heartbeat", "test", labels, resolved, clock.instant());
        AlertPolicy policy = AlertIntake.policyOf(config);
        return store.accept(alert, policy, (ch, a) -> Grouping.key(ch, a, config.pipeline().groupBy()),
                config.pipeline().groupWait(), false).await().atMost(AWAIT);
    }

    Map<String, String> states() throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = pg.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT channel, state, attempts FROM delivery")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2) + "/" + rs.getInt(3));
            }
        }
        return out;
    }

    @Test
    void anAcceptedAlertIsCommittedWithOneDeliveryPerChannel() throws Exception {
        OutboxStore store = newStore();
        AcceptedAlert accepted = accept(store, "k1", "ab", Map.of(), false);
        assertThat(accepted.disposition()).isEqualTo(Disposition.NOTIFY);
        assertThat(accepted.channels()).containsExactly("a", "b");
        assertThat(states()).containsOnly(Map.entry("a", "PENDING/0"), Map.entry("b", "PENDING/0"));
    }

    @Test
    void aClaimThatIsNeverAcknowledgedIsClaimedAgainOnlyAfterItsLeaseExpires() {
        OutboxStore store = newStore();
        accept(store, "k1", "ab", Map.of(), false);
        assertThat(store.claim(T0, T0.plusSeconds(60), 10).await().atMost(AWAIT)).as("group wait not over").isEmpty();

        Instant due = T0.plusSeconds(5);
        List<ClaimedDelivery> first = store.claim(due, due.plusSeconds(60), 10).await().atMost(AWAIT);
        assertThat(first).extracting(ClaimedDelivery::channel).containsExactly("a", "b");
        // the claimer dies here, without acknowledging anything
        assertThat(store.claim(due.plusSeconds(59), due.plusSeconds(119), 10).await().atMost(AWAIT)).as("lease held").isEmpty();
        List<ClaimedDelivery> again = store.claim(due.plusSeconds(60), due.plusSeconds(120), 10).await().atMost(AWAIT);
        assertThat(again).extracting(ClaimedDelivery::id).containsExactlyElementsOf(first.stream().map(ClaimedDelivery::id).toList());
        assertThat(again).extracting(ClaimedDelivery::attempts).containsOnly(2);
    }

    @Test
    void acknowledgedDeliveriesAreNeverClaimedAgain() {
        OutboxStore store = newStore();
        accept(store, "k1", "ab", Map.of(), false);
        Instant due = T0.plusSeconds(5);
        List<ClaimedDelivery> claimed = store.claim(due, due.plusSeconds(60), 10).await().atMost(AWAIT);
        store.markDelivered(claimed.stream().map(ClaimedDelivery::id).toList(), due).await().atMost(AWAIT);
        assertThat(store.claim(due.plus(Duration.ofDays(2)), due.plus(Duration.ofDays(3)), 10).await().atMost(AWAIT)).isEmpty();
    }

    @Test
    void concurrentClaimersNeverShareARow() {
        OutboxStore one = newStore();
        OutboxStore two = newStore();
        for (int i = 0; i < 40; i++) {
            accept(one, "k" + i, "ab", Map.of("site", "s" + i), false);
        }
        Instant due = T0.plusSeconds(5);
        var both = io.smallrye.mutiny.Uni.combine().all()
                .unis(one.claim(due, due.plusSeconds(60), 50), two.claim(due, due.plusSeconds(60), 50))
                .asTuple().await().atMost(AWAIT);
        Set<Long> ids = new HashSet<>();
        both.getItem1().forEach(c -> ids.add(c.id()));
        both.getItem2().forEach(c -> assertThat(ids.add(c.id())).as("row %d claimed twice", c.id()).isTrue());
        assertThat(ids).hasSize(80);
    }

    @Test
    void aNotifierKilledMidDeliveryDeliversAfterRestartAndDoesNotResendWhatWasAccepted() throws Exception {
        OutboxStore firstStore = newStore();
        Pool firstPool = pools.get(0);
        accept(firstStore, "k1", "ab", Map.of(), false);
        clock.advance(Duration.ofSeconds(5));

        // First run: channel a accepts and that is recorded; while b is being sent the process dies (its DB pool goes away).
        RecordingChannel a1 = RecordingChannel.accepting("a");
        RecordingChannel b1 = new RecordingChannel("b", n -> {
            firstPool.closeAndAwait();
            return DeliveryResult.accepted();
        });
        newWorker(firstStore, a1, b1).drain();
        assertThat(a1.received).hasSize(1);
        assertThat(b1.received).hasSize(1);
        assertThat(states()).containsEntry("a", "DELIVERED/1").containsEntry("b", "PENDING/1");

        // Restart: a new worker on new connections. Before the dead worker's lease ends nothing is taken over.
        RecordingChannel a2 = RecordingChannel.accepting("a");
        RecordingChannel b2 = RecordingChannel.accepting("b");
        OutboxWorker restarted = newWorker(newStore(), a2, b2);
        clock.advance(Duration.ofSeconds(30));
        assertThat(restarted.drain()).isZero();
        clock.advance(Duration.ofSeconds(31));
        assertThat(restarted.drain()).isEqualTo(1);
        assertThat(a2.received).as("a had accepted before the crash").isEmpty();
        assertThat(b2.received).hasSize(1);
        assertThat(states()).containsOnly(Map.entry("a", "DELIVERED/1"), Map.entry("b", "DELIVERED/2"));
    }

    @Test
    void aGroupTooLargeForOneMessageGoesAsPartsEachDeliveredAndRetriedOnItsOwn() throws Exception {
        OutboxStore store = newStore();
        for (String key : List.of("k1", "k2", "k3", "k4", "k5")) {
            accept(store, key, "ab", Map.of("site", "primary"), false);
        }
        // a channel whose messages hold two alerts at most; the part with k3 fails once
        java.util.concurrent.atomic.AtomicBoolean failedOnce = new java.util.concurrent.atomic.AtomicBoolean();
        RecordingChannel a = new RecordingChannel("a", n -> n.alerts().stream().anyMatch(x -> x.key().equals("k3"))
                && !failedOnce.getAndSet(true) ? DeliveryResult.retry("a 503") : DeliveryResult.accepted(),
                n -> dev.baton.notifier.channel.Notification.split(n, x -> x.alerts().size() * 100, 250));
        OutboxWorker worker = newWorker(store, a, RecordingChannel.accepting("b"));
        clock.advance(Duration.ofSeconds(5));

        worker.drain();

        assertThat(a.received).extracting(n -> n.alerts().stream().map(Alert::key).toList())
                .containsExactly(List.of("k1", "k2"), List.of("k3", "k4"), List.of("k5"));
        assertThat(a.received).extracting(dev.baton.notifier.channel.Notification::partLine)
                .containsExactly("part 1 of 3: alerts 1-2 of 5", "part 2 of 3: alerts 3-4 of 5", "part 3 of 3: alerts 5-5 of 5");
        assertThat(statesOf("a")).containsOnly(Map.entry("engine down k1", "DELIVERED"), Map.entry("engine down k2", "DELIVERED"),
                Map.entry("engine down k3", "PENDING"), Map.entry("engine down k4", "PENDING"), Map.entry("engine down k5", "DELIVERED"));

        clock.advance(Duration.ofSeconds(10));
        worker.drain();

        assertThat(a.received).as("only the failed part is sent again").hasSize(4);
        assertThat(a.received.get(3).alerts()).extracting(Alert::key).containsExactly("k3", "k4");
        assertThat(statesOf("a").values()).containsOnly("DELIVERED");
    }

    /** Each alert's delivery state on {@code channel}, by title. */
    Map<String, String> statesOf(String channel) throws Exception {
        Map<String, String> out = new HashMap<>();
        try (Connection c = pg.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT a.title, d.state FROM delivery d JOIN alert a ON a.id = d.alert_id WHERE d.channel = '"
                        + channel + "'")) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    @Test
    void aBurstWithinTheGroupWaitBecomesOneMessage() {
        OutboxStore store = newStore();
        accept(store, "engine", "ab", Map.of("site", "primary"), false);
        clock.advance(Duration.ofSeconds(3));
        accept(store, "gateway", "ab", Map.of("site", "primary"), false);
        accept(store, "standby-disk", "ab", Map.of("site", "standby"), false);
        RecordingChannel a = RecordingChannel.accepting("a");
        RecordingChannel b = RecordingChannel.accepting("b");
        OutboxWorker worker = newWorker(store, a, b);
        clock.advance(Duration.ofSeconds(2)); // the primary group's wait (opened at T0) is over; standby's is not
        worker.drain();
        assertThat(a.received).hasSize(1);
        assertThat(a.received.get(0).alerts()).extracting(Alert::key).containsExactly("engine", "gateway");
        assertThat(a.received.get(0).subject()).isEqualTo("[Baton] CRITICAL: engine down engine (+1 more)");
        clock.advance(Duration.ofSeconds(3));
        worker.drain();
        assertThat(a.received).hasSize(2);
        assertThat(a.received.get(1).alerts()).extracting(Alert::key).containsExactly("standby-disk");
    }

    @Test
    void retriesWithBackoffThenEscalatesCriticalAlertsAndFinallyDeadLettersAfterMaxAge() throws Exception {
        OutboxStore store = newStore();
        accept(store, "k1", "flaky", Map.of(), false);
        RecordingChannel flaky = new RecordingChannel("flaky", n -> DeliveryResult.retry("flaky 503"));
        RecordingChannel backup = RecordingChannel.accepting("backup");
        OutboxWorker worker = newWorker(store, flaky, backup);
        clock.advance(Duration.ofSeconds(5));
        worker.drain();
        assertThat(states()).containsOnly(Map.entry("flaky", "PENDING/1"));
        worker.drain();
        assertThat(flaky.received).as("backoff: not due yet").hasSize(1);

        clock.advance(Duration.ofSeconds(3)); // initial backoff 2s ± 20%
        worker.drain();
        assertThat(flaky.received).hasSize(2);
        assertThat(backup.received).as("escalated after 2 failures in a row").hasSize(1);
        assertThat(states()).containsEntry("backup", "DELIVERED/1");

        clock.advance(Duration.ofHours(1));
        worker.drain();
        assertThat(states()).containsEntry("flaky", "DEAD/3");
        try (Connection c = pg.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_error FROM delivery WHERE channel = 'flaky'")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("undelivered after PT1H: flaky 503");
        }
    }

    @Test
    void aPermanentRefusalIsDeadLetteredAtOnceWithTheReason() throws Exception {
        OutboxStore store = newStore();
        accept(store, "k1", "ab", Map.of(), false);
        RecordingChannel a = new RecordingChannel("a", n -> DeliveryResult.permanent("telegram 403: Forbidden: bot was blocked by the user"));
        OutboxWorker worker = newWorker(store, a, RecordingChannel.accepting("b"));
        clock.advance(Duration.ofSeconds(5));
        worker.drain();
        assertThat(states()).containsEntry("a", "DEAD/1").containsEntry("b", "DELIVERED/1");
        var dead = store.recent(10, true).await().atMost(AWAIT);
        assertThat(dead).hasSize(1);
        assertThat(dead.get(0).deliveries()).anySatisfy(d -> {
            assertThat(d.channel()).isEqualTo("a");
            assertThat(d.lastError()).isEqualTo("telegram 403: Forbidden: bot was blocked by the user");
        });
    }

    @Test
    void throttlingDoesNotCountAsAnAttempt() throws Exception {
        OutboxStore store = newStore();
        accept(store, "k1", "ab", Map.of(), false);
        OutboxWorker worker = newWorker(store, new RecordingChannel("a", n -> new DeliveryResult.Throttled(Duration.ofMillis(700))),
                RecordingChannel.accepting("b"));
        clock.advance(Duration.ofSeconds(5));
        worker.drain();
        assertThat(states()).containsEntry("a", "PENDING/0");
    }

    @Test
    void dedupAndResolutionAcrossAccepts() {
        OutboxStore store = newStore();
        assertThat(accept(store, "k1", "ab", Map.of(), false).disposition()).isEqualTo(Disposition.NOTIFY);
        clock.advance(Duration.ofSeconds(10));
        assertThat(accept(store, "k1", "ab", Map.of(), false).disposition()).isEqualTo(Disposition.DUPLICATE);
        assertThat(accept(store, "k1", "ab", Map.of(), true).disposition()).isEqualTo(Disposition.RESOLVED);
        assertThat(accept(store, "k1", "ab", Map.of(), true).disposition()).isEqualTo(Disposition.NOTHING_TO_RESOLVE);
        assertThat(accept(store, "k1", "ab", Map.of(), false).disposition()).as("fires again").isEqualTo(Disposition.NOTIFY);
    }

    @Test
    void aStillFiringAlertIsRemindedEveryRepeatIntervalUntilResolved() {
        OutboxStore store = newStore();
        OutboxWorker worker = newWorker(store, RecordingChannel.accepting("a"), RecordingChannel.accepting("b"));
        AlertIntake intake = new AlertIntake(config, store, worker, new NotifierMetrics(new SimpleMeterRegistry()), clock);
        RepeatReminder reminder = new RepeatReminder(store, intake, clock, config);
        accept(store, "k1", "ab", Map.of(), false);

        clock.advance(Duration.ofHours(3));
        assertThat(reminder.remind()).as("repeat interval (4h) not over").isZero();
        clock.advance(Duration.ofHours(1));
        assertThat(reminder.remind()).isEqualTo(1);
        assertThat(reminder.remind()).as("just reminded").isZero();
        var latest = store.recent(1, false).await().atMost(AWAIT).get(0);
        assertThat(latest.disposition()).isEqualTo(Disposition.REPEAT);
        assertThat(latest.deliveries()).extracting(d -> d.channel()).containsExactly("a", "b");

        accept(store, "k1", "ab", Map.of(), true);
        clock.advance(Duration.ofHours(5));
        assertThat(reminder.remind()).as("resolved alerts are not repeated").isZero();
    }
}
