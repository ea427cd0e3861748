package dev.baton.drill.run;

import dev.baton.common.testing.PostgresPair;
import dev.baton.common.testing.PostgresPair.Node;
import dev.baton.common.testing.RedisPair;
import dev.baton.drill.site.Link;
import dev.baton.drill.site.SimulatedSite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The drill's database world (issue #18): a real PostgreSQL primary for the primary site and its streaming replica
 * for the standby ({@link PostgresPair}: Debian's server, {@code pg_basebackup}, {@code pg_rewind}), the replica
 * streaming through a {@link Link} a scenario can cut (the replica then lags while the primary takes orders), each
 * site's engine committing one order per state write to its own site's database, and {@code baton-pg-rejoin} (the
 * shipped script, {@code deploy/site/baton-pg-rejoin}) on each site's PATH with that site's server, as an operator
 * installs it. The coordinator reaches both servers with the pair's account and password file. Where Debian's
 * {@code redis-server} is installed, a Redis primary and its replica too (a {@link RedisPair}), each engine appending
 * its orders to its own site's.
 */
public final class DrillDatabases implements AutoCloseable {
    /** The orders the engines commit; {@code id} orders them across sites, {@code written_at} is the primary's clock at commit. */
    static final String ORDERS = "CREATE TABLE orders (id bigserial PRIMARY KEY, site text NOT NULL, seq bigint NOT NULL, "
            + "epoch bigint NOT NULL, written_at timestamptz NOT NULL DEFAULT clock_timestamp())";

    private final PostgresPair pair;
    private final Link replication;
    private final Path dir;
    private final Path passwordFile;
    /** The Redis pair; null where redis-server is not installed. */
    private RedisPair redis;
    private Path redisPasswordFile;

    private DrillDatabases(PostgresPair pair, Link replication, Path dir) throws IOException {
        this.passwordFile = pair.passwordFile();
        this.pair = pair;
        this.replication = replication;
        this.dir = dir;
    }

    /** Whether this machine can run the pair (Debian's server installed, not root); else why not. */
    public static java.util.Optional<String> unavailable() {
        if (PostgresPair.binaries().isEmpty()) {
            return java.util.Optional.of("Debian's PostgreSQL server is not installed (apt-get install postgresql)");
        }
        if ("root".equals(System.getProperty("user.name"))) {
            return java.util.Optional.of("PostgreSQL refuses to run as root: run the database drill as an unprivileged user");
        }
        return java.util.Optional.empty();
    }

    static DrillDatabases start(Path dir) throws IOException, SQLException {
        Files.createDirectories(dir);
        PostgresPair pair = PostgresPair.start();
        Link link = null;
        try {
            pair.execute(Node.FIRST, ORDERS);
            link = new Link("standby-db->primary-db:replication", pair.port(Node.FIRST));
            DrillDatabases dbs = new DrillDatabases(pair, link, dir);
            dbs.streamThroughLink();
            if (RedisPair.available()) {
                dbs.redis = RedisPair.start();
                dbs.redisPasswordFile = dbs.redis.passwordFile();
            }
            return dbs;
        } catch (IOException | SQLException | RuntimeException e) {
            if (link != null) {
                link.close();
            }
            pair.close();
            throw e;
        }
    }

    static Node node(String site) {
        return site.equals("primary") ? Node.FIRST : Node.SECOND;
    }

    private static RedisPair.Node redisNode(String site) {
        return site.equals("primary") ? RedisPair.Node.FIRST : RedisPair.Node.SECOND;
    }

    /** Whether this world runs the Redis pair (Debian's redis-server installed). */
    boolean hasRedis() {
        return redis != null;
    }

    public int port(String site) {
        return pair.port(node(site));
    }

    /** What {@code site}'s engine needs to commit its orders to that site's database. */
    Map<String, String> engineEnvironment(String site) {
        Map<String, String> env = new LinkedHashMap<>(Map.of("DRILL_ENGINE_DB_URL", "jdbc:postgresql://127.0.0.1:" + port(site) + "/"
                + PostgresPair.DATABASE, "DRILL_ENGINE_DB_USER", PostgresPair.USER, "DRILL_ENGINE_DB_PASSWORD", pair.password()));
        if (redis != null) {
            env.put("DRILL_ENGINE_REDIS_PORT", Integer.toString(redis.port(redisNode(site))));
            env.put("DRILL_ENGINE_REDIS_PASSWORD", redis.password());
        }
        return env;
    }

    /** {@code sites.<site>.database.*} for the coordinator, {@code prefix} ending in {@code SITES_<SITE>_}. */
    void coordinatorEnvironment(Map<String, String> env, String prefix, String site) {
        String p = prefix + "DATABASE_";
        env.put(p + "HOST", "127.0.0.1");
        env.put(p + "PORT", Integer.toString(port(site)));
        env.put(p + "USER", PostgresPair.USER);
        env.put(p + "NAME", PostgresPair.DATABASE);
        env.put(p + "PASSWORD_FILE", passwordFile.toString());
        env.put(p + "SSL_MODE", "disable");
        if (redis != null) {
            env.put(prefix + "REDIS_HOST", "127.0.0.1");
            env.put(prefix + "REDIS_PORT", Integer.toString(redis.port(redisNode(site))));
            env.put(prefix + "REDIS_PASSWORD_FILE", redisPasswordFile.toString());
        }
    }

    /**
     * {@code baton-pg-rejoin} on {@code site}'s PATH: the shipped script with that site's server (data directory,
     * tools, options, a passfile of mode 0600 for the pair's account), its output appended to {@link #rejoinLog} for
     * the drill's report and passed on to the coordinator. Needs a site whose SSH server runs a real shell (OpenSSH).
     */
    void installRejoin(SimulatedSite site, Path repo) throws IOException {
        Path tools = site.ssh().toolDirectory().orElseThrow(() -> new IOException("the database drill runs baton-pg-rejoin in the "
                + "site's shell: it needs Debian's OpenSSH sshd (apt-get install openssh-server), not " + site.ssh().kind()));
        Node self = node(site.name());
        Node upstream = self == Node.FIRST ? Node.SECOND : Node.FIRST;
        Map<String, String> env = new LinkedHashMap<>(pair.scriptEnvironment(self, upstream));
        env.put("BATON_PG_REPLICATION_USER", PostgresPair.USER);
        StringBuilder script = new StringBuilder("#!/bin/bash\n# baton-pg-rejoin on drill site " + site.name()
                + ": the shipped script with this site's PostgreSQL\n");
        env.forEach((k, v) -> script.append("export ").append(k).append('=').append(quote(v)).append('\n'));
        Path log = rejoinLog(site.name());
        script.append("echo \"== $(date -u +%FT%T.%3NZ) upstream $BATON_PG_UPSTREAM_HOST:$BATON_PG_UPSTREAM_PORT\" >> ").append(quote(log.toString()))
                .append('\n')
                .append("out=$(sh ").append(quote(repo.resolve("deploy/site/baton-pg-rejoin").toString())).append(" 2>&1)\nrc=$?\n")
                .append("printf '%s\\nexit %s\\n' \"$out\" \"$rc\" >> ").append(quote(log.toString())).append('\n')
                .append("printf '%s\\n' \"$out\" >&2\nexit $rc\n");
        Path tool = tools.resolve("baton-pg-rejoin");
        Files.writeString(tool, script);
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwx------"));
    }

    /** Where {@code site}'s {@code baton-pg-rejoin} output goes. */
    Path rejoinLog(String site) {
        return dir.resolve(site + "-baton-pg-rejoin.log");
    }

    /** The replication path is cut: the replica stops receiving WAL (its primary keeps committing). */
    void cutReplication() {
        replication.cut();
    }

    void healReplication() {
        replication.restore();
    }

    /** {@code site}'s server dies as with its host (immediate shutdown: no checkpoint, sessions gone). */
    void crash(String site) throws IOException {
        pair.crashNode(node(site));
    }

    /** {@code site}'s server started again on its data, as a host coming back starts it (as whatever it was). */
    void startAgain(String site) throws IOException {
        if (!pair.running(node(site))) {
            pair.startNode(node(site));
        }
    }

    /**
     * The orders {@code writer}'s engine committed, as {@code site}'s database holds them: how many, the last (by
     * id) and when it was committed.
     */
    record Orders(long count, long lastId, long lastSeq, Instant lastAt) {
        static final Orders NONE = new Orders(0, 0, 0, null);
    }

    Orders orders(String site, String writer) throws SQLException {
        try (Connection c = pair.connect(node(site)); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), max(id), (array_agg(seq ORDER BY id DESC))[1], max(written_at) FROM orders "
                        + "WHERE site = '" + writer + "'")) {
            rs.next();
            return rs.getLong(1) == 0 ? Orders.NONE
                    : new Orders(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getTimestamp(4).toInstant());
        }
    }

    /** {@code writer}'s orders on {@code site}'s database with an id above {@code afterId}: what the other one lacks. */
    long ordersAfter(String site, String writer, long afterId) throws SQLException {
        return count(site, "site = '" + writer + "' AND id > " + afterId);
    }

    /** The orders on {@code site}'s database that match {@code where} (SQL). */
    long count(String site, String where) throws SQLException {
        return Long.parseLong(pair.queryOne(node(site), "SELECT count(*) FROM orders WHERE " + where));
    }

    /** When {@code site}'s database committed {@code writer}'s first order at or after {@code since} (null: none yet). */
    Instant firstOrderSince(String site, String writer, Instant since) throws SQLException {
        String at = pair.queryOne(node(site), "SELECT to_char(min(written_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                + "FROM orders WHERE site = '" + writer + "' AND written_at >= '" + since + "'::timestamptz");
        return at == null ? null : Instant.parse(at);
    }

    /** The highest order id {@code site}'s database holds (0: none). */
    long lastId(String site) throws SQLException {
        return Long.parseLong(pair.queryOne(node(site), "SELECT coalesce(max(id), 0) FROM orders"));
    }

    /** {@code site}'s Redis role, the first line of {@code ROLE}: {@code master}, {@code slave}; {@code down} when it does not answer. */
    String redisRole(String site) {
        try {
            return redis.command(redisNode(site), "ROLE").split("\n")[0];
        } catch (IOException e) {
            return "down";
        }
    }

    /** The last sequence number of {@code writer}'s orders in {@code site}'s Redis list (-1: none, or it does not answer). */
    long redisLastSeq(String site, String writer) {
        try {
            String all = redis.command(redisNode(site), "LRANGE", "orders", "0", "-1");
            long last = -1;
            for (String entry : all == null ? new String[0] : all.split("\n")) {
                if (entry.startsWith(writer + ":")) {
                    last = Long.parseLong(entry.substring(writer.length() + 1));
                }
            }
            return last;
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** {@code site}'s Redis killed, as its host dies. */
    void crashRedis(String site) throws IOException {
        redis.kill(redisNode(site));
    }

    /** {@code site}'s Redis started again on its configuration, as a recovered host starts it (empty: nothing saved). */
    void startRedisAgain(String site) throws IOException {
        redis.restart(redisNode(site));
    }

    /** {@code pg_is_in_recovery()} of {@code site}'s server. */
    boolean inRecovery(String site) throws SQLException {
        return "t".equals(pair.queryOne(node(site), "SELECT pg_is_in_recovery()"));
    }

    /**
     * Back to the start, after any run: the primary's server up, writable and a primary (promoted if a failback left
     * it a replica), the standby's a fresh replica of it (a new base backup), streaming through the replication
     * path again.
     */
    void reset() throws IOException, SQLException {
        replication.restore();
        pair.reset();
        streamThroughLink();
        if (redis != null) {
            // the primary's a primary again with an empty list, the standby's its replica
            redis.restart(RedisPair.Node.FIRST);
            redis.restart(RedisPair.Node.SECOND);
            redis.command(RedisPair.Node.FIRST, "REPLICAOF", "NO", "ONE");
            redis.command(RedisPair.Node.FIRST, "DEL", "orders");
            redis.command(RedisPair.Node.SECOND, "REPLICAOF", "127.0.0.1", Integer.toString(redis.port(RedisPair.Node.FIRST)));
            redis.awaitLink(RedisPair.Node.SECOND);
        }
    }

    /** Before the world's own reset (which may fail back): the path healed and the primary's server up. */
    void heal() throws IOException {
        replication.restore();
        startAgain("primary");
        if (redis != null) {
            redis.restart(RedisPair.Node.FIRST);
        }
    }

    private void streamThroughLink() throws IOException, SQLException {
        pair.replicateThrough(Node.SECOND, Node.FIRST, replication.port());
        try {
            org.awaitility.Awaitility.await("the standby's replica streams through the drill's replication path").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(SQLException.class)
                    .until(() -> ("streaming " + replication.port()).equals(pair.queryOne(Node.SECOND,
                            "SELECT status || ' ' || sender_port FROM pg_stat_wal_receiver")));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new IOException(e.getMessage() + "; log: " + pair.logTail(Node.SECOND, 10), e);
        }
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    @Override
    public void close() throws IOException {
        try {
            replication.close();
            if (redis != null) {
                redis.close();
            }
        } finally {
            pair.close();
        }
    }
}
