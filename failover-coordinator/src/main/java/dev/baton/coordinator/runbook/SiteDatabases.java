package dev.baton.coordinator.runbook;

import dev.baton.coordinator.config.CoordinatorConfig;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgConnection;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The sites' PostgreSQL servers as the {@code pg-*} steps reach them: one fresh connection per call (the reactive
 * client), closed after it, so no pooled session outlives a failover. Every call is bounded by its timeout. The
 * password is read from its file or environment variable when connecting and appears in no message.
 */
@ApplicationScoped
public class SiteDatabases {
    private final Vertx vertx;
    private final Map<String, CoordinatorConfig.Site> sites;

    public SiteDatabases(Vertx vertx, CoordinatorConfig config) {
        this.vertx = vertx;
        this.sites = Map.copyOf(config.sites());
    }

    /** Why one connection found nothing; {@link #refused} when the server's host refused the connection (nothing listens). */
    public static final class Unreachable extends Exception {
        Unreachable(String message, Throwable cause) {
            super(message, cause, false, false);
        }

        /** The call ran out of time (no answer: it says nothing about whether a server is there). */
        public boolean timedOut() {
            return getCause() instanceof io.smallrye.mutiny.TimeoutException;
        }

        /** The connection was refused: no server listens there (a timeout, a full server, one shutting down are not). */
        public boolean refused() {
            for (Throwable t = getCause(); t != null; t = t.getCause()) {
                if (t instanceof java.net.ConnectException && t.getMessage() != null && t.getMessage().contains("Connection refused")) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * What a server says about itself: whether it is a replica, its WAL positions (bytes: {@code currentLsn} on a
     * primary, {@code receiveLsn}/{@code replayLsn} on a replica, null where PostgreSQL gives none), how long ago the
     * last transaction it replayed committed (null: none yet), its WAL receiver's state and whether new transactions
     * are read-only by default.
     */
    public record Status(boolean inRecovery, Long currentLsn, Long receiveLsn, Long replayLsn, Double replayAgeSeconds, String receiver,
            boolean readOnlyDefault) {
    }

    static final String STATUS = "SELECT pg_is_in_recovery() AS in_recovery, "
            + "CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_wal_lsn()::text END AS current_lsn, "
            + "pg_last_wal_receive_lsn()::text AS receive_lsn, pg_last_wal_replay_lsn()::text AS replay_lsn, "
            + "EXTRACT(EPOCH FROM (clock_timestamp() - pg_last_xact_replay_timestamp()))::float8 AS replay_age, "
            + "(SELECT status FROM pg_stat_wal_receiver LIMIT 1) AS receiver, "
            + "current_setting('default_transaction_read_only') AS read_only";

    public boolean has(String site) {
        CoordinatorConfig.Site s = sites.get(site);
        return s != null && s.database().host().isPresent();
    }

    /** {@code site}'s database as {@code host:port/name}, for messages. */
    public String describe(String site) {
        CoordinatorConfig.Database d = database(site);
        return site + "'s PostgreSQL (" + d.host().orElse("?") + ":" + d.port() + "/" + d.name() + ")";
    }

    public Status status(String site, Duration timeout) throws Unreachable {
        return call(site, timeout, c -> c.query(STATUS).execute().map(rows -> {
            Row r = rows.iterator().next();
            return new Status(r.getBoolean("in_recovery"), lsn(r.getString("current_lsn")), lsn(r.getString("receive_lsn")),
                    lsn(r.getString("replay_lsn")), r.getDouble("replay_age"), r.getString("receiver"), "on".equals(r.getString("read_only")));
        }));
    }

    /** {@code SELECT pg_promote(true, waitSeconds)}: true once promoted, false if it did not finish in time. */
    public boolean promote(String site, int waitSeconds, Duration timeout) throws Unreachable {
        return call(site, timeout, c -> c.query("SELECT pg_promote(true, " + Math.max(1, waitSeconds) + ") AS promoted").execute()
                .map(rows -> Boolean.TRUE.equals(rows.iterator().next().getBoolean("promoted"))));
    }

    /**
     * New transactions read-only by default ({@code ALTER SYSTEM}, reloaded: every session that has not set its own
     * value follows), then every other client session ended: one in the middle of a write transaction, or one that
     * set its own default, does not survive. The replication connections (walsenders) stay, so the replica still
     * receives the last writes. Returns how many sessions were ended.
     */
    public long makeReadOnly(String site, Duration timeout) throws Unreachable {
        return call(site, timeout, c -> c.query("ALTER SYSTEM SET default_transaction_read_only = on").execute()
                .chain(() -> c.query("SELECT pg_reload_conf()").execute())
                .chain(() -> c.query("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) AS ended FROM pg_stat_activity "
                        + "WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()").execute())
                .map(rows -> rows.iterator().next().getLong("ended")));
    }

    /**
     * {@code CHECKPOINT}: a primary promoted moments ago writes its new timeline to its control file only with its
     * first checkpoint, and pg_rewind reads the timeline there (without it: "no rewind required", and the old primary
     * cannot follow).
     */
    public void checkpoint(String site, Duration timeout) throws Unreachable {
        call(site, timeout, c -> c.query("CHECKPOINT").execute().replaceWithVoid());
    }

    /** Back to writable by default: what {@link #makeReadOnly} set undone ({@code ALTER SYSTEM RESET}, reloaded). */
    public void resetReadOnly(String site, Duration timeout) throws Unreachable {
        call(site, timeout, c -> c.query("ALTER SYSTEM RESET default_transaction_read_only").execute()
                .chain(() -> c.query("SELECT pg_reload_conf()").execute()).replaceWithVoid());
    }

    /**
     * A write in a transaction as a client's default is: a temporary table created and rolled back. Empty when the
     * server took it; else the reason it refused (a replica, read-only by default).
     */
    public Optional<String> writeRefusal(String site, Duration timeout) throws Unreachable {
        return call(site, timeout, c -> c.query("BEGIN").execute()
                .chain(() -> c.query("CREATE TEMPORARY TABLE baton_write_probe (x int)").execute())
                .map(ok -> Optional.<String>empty())
                .onFailure(io.vertx.pgclient.PgException.class).recoverWithItem(e -> Optional.of(e.getMessage()))
                .call(() -> c.query("ROLLBACK").execute().onFailure().recoverWithNull()));
    }

    private <T> T call(String site, Duration timeout, Function<PgConnection, io.smallrye.mutiny.Uni<T>> work) throws Unreachable {
        PgConnectOptions options = options(site, timeout);
        // remembered, so that a connection made after the caller gave up is closed, not left open
        io.smallrye.mutiny.Uni<PgConnection> connect = PgConnection.connect(vertx, options).memoize().indefinitely();
        try {
            return connect.chain(c -> work.apply(c).eventually(c::close)).await().atMost(timeout);
        } catch (io.smallrye.mutiny.TimeoutException e) {
            connect.subscribe().with(PgConnection::closeAndForget, failure -> {
            });
            throw new Unreachable(describe(site) + " did not answer within " + timeout.toMillis() + " ms", e);
        } catch (RuntimeException e) {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new Unreachable(describe(site) + ": " + message(cause), cause);
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    /** {@code site}'s database settings (it must have them). */
    CoordinatorConfig.Database settings(String site) {
        return database(site);
    }

    private CoordinatorConfig.Database database(String site) {
        CoordinatorConfig.Site s = sites.get(site);
        if (s == null || s.database().host().isEmpty()) {
            throw new IllegalArgumentException("site " + site + " has no database configured");
        }
        return s.database();
    }

    PgConnectOptions options(String site, Duration timeout) {
        CoordinatorConfig.Database d = database(site);
        PgConnectOptions o = new PgConnectOptions().setHost(d.host().get()).setPort(d.port()).setDatabase(d.name()).setUser(d.user())
                .setConnectTimeout((int) Math.max(1, Math.min(d.connectTimeout().toMillis(), timeout.toMillis())))
                .setReconnectAttempts(0).setCachePreparedStatements(false).setSslMode(SslMode.of(d.sslMode()))
                .addProperty("application_name", "baton-coordinator");
        d.sslRootCert().ifPresent(ca -> o.setPemTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertPath(ca)));
        if (d.sslMode().equals("verify-full")) {
            o.setHostnameVerificationAlgorithm("HTTPS");
        }
        password(d).ifPresent(o::setPassword);
        return o;
    }

    /** The password from {@code password-file} (first line) or {@code password-env}; empty when neither is set. */
    static Optional<String> password(CoordinatorConfig.Database d) {
        if (d.passwordFile().isPresent()) {
            try {
                List<String> lines = Files.readAllLines(Path.of(d.passwordFile().get()));
                return Optional.of(lines.isEmpty() ? "" : lines.get(0));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the database password file " + d.passwordFile().get() + ": " + e.getClass().getSimpleName(), e);
            }
        }
        return d.passwordEnv().map(System::getenv);
    }

    /** A WAL position ({@code 16/B374D848}) as a byte offset; null for null. */
    static Long lsn(String text) {
        if (text == null) {
            return null;
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("not an LSN: " + text);
        }
        return (Long.parseLong(text.substring(0, slash), 16) << 32) | Long.parseLong(text.substring(slash + 1), 16);
    }

    /** The problems with {@code site}'s database settings, each naming its key; empty when there are none. */
    public static List<String> problems(String key, CoordinatorConfig.Database d) {
        List<String> problems = new ArrayList<>();
        if (d.host().isEmpty()) {
            return problems;
        }
        if (d.host().get().isBlank()) {
            problems.add(key + "host: must not be blank");
        }
        if (d.passwordFile().isPresent() && d.passwordEnv().isPresent()) {
            problems.add(key + "password-file: set either password-file or password-env, not both");
        }
        d.passwordFile().ifPresent(f -> {
            Path p = Path.of(f);
            if (!Files.isReadable(p) || Files.isDirectory(p)) {
                problems.add(key + "password-file: " + f + " is not a readable file");
            }
        });
        d.passwordEnv().ifPresent(env -> {
            if (System.getenv(env) == null) {
                problems.add(key + "password-env: the environment variable " + env + " is not set");
            }
        });
        if (d.sslMode().startsWith("verify-") && d.sslRootCert().isEmpty()) {
            problems.add(key + "ssl-root-cert: ssl-mode " + d.sslMode() + " needs the CA's certificate (a PEM file)");
        }
        d.sslRootCert().ifPresent(f -> {
            if (!Files.isReadable(Path.of(f))) {
                problems.add(key + "ssl-root-cert: " + f + " is not a readable file");
            }
        });
        if (d.connectTimeout().isZero() || d.connectTimeout().isNegative()) {
            problems.add(key + "connect-timeout: must be positive");
        }
        return problems;
    }
}
