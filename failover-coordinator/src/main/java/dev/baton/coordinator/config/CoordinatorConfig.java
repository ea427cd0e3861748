package dev.baton.coordinator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the coordinator is told: the two sites, the observers whose verdicts count, the
 * policy thresholds, the runbooks and where the other Baton services live. Every key can be set by
 * environment variable ({@code baton.coordinator.policy.cooldown} = {@code BATON_COORDINATOR_POLICY_COOLDOWN};
 * list entries: {@code BATON_COORDINATOR_RUNBOOKS_FAILOVER_STEPS_0__TYPE}).
 */
@ConfigMapping(prefix = "baton.coordinator")
public interface CoordinatorConfig {

    /** The two sites by name (names as in the health-checkers' verdicts). Exactly one primary and one standby. Required. */
    @NotEmpty
    Map<String, @Valid Site> sites();

    @Valid
    Observers observers();

    @Valid
    Policy policy();

    @Valid
    Fence fence();

    /** Runbooks by kind: {@code failover} and {@code failback}. A kind without steps uses the built-in default runbook. */
    Map<String, @Valid Runbook> runbooks();

    @Valid
    Dns dns();

    /** The sites' databases as a whole (each site's own settings are {@code sites.<site>.database.*}). */
    @WithName("database")
    @Valid
    Databases databases();

    @Valid
    Clients clients();

    @Valid
    Leader leader();

    /**
     * Where decisions are kept: {@code postgres} (one database beside the coordinator; single-site) or
     * {@code zookeeper} (a ZooKeeper ensemble across the places, {@code baton.coordinator.zookeeper.*}).
     * Default postgres.
     */
    @WithDefault("postgres")
    @Pattern(regexp = "postgres|zookeeper", message = "must be postgres or zookeeper")
    String store();

    @Valid
    ZooKeeper zookeeper();

    @Valid
    Initial initial();

    @Valid
    Guard guard();

    /** How often the leader evaluates the policy. Default 2s. */
    @WithDefault("2s")
    Duration tick();

    /** The verdict recording: every verdict this instance receives and the decisions it acts on, for {@code baton replay}. */
    @Valid
    VerdictRecording recording();

    /**
     * Where and how long this instance keeps its verdict recording (docs/OPERATOR.md, "Tuning with replay"): JSON lines
     * in segments on its own disk, each closed segment gzip-compressed, the oldest deleted past the retention.
     */
    interface VerdictRecording {
        /** Record at all. Default true. */
        @WithDefault("true")
        boolean enabled();

        /** The directory of the segments (created if missing; must be writable). Default {@code recording}, under the working directory. */
        @WithDefault("recording")
        String directory();

        /** Segments that ended longer ago than this are deleted. Default 30d. */
        @WithDefault("30d")
        Duration retention();

        /** How long one segment spans before the next begins. Default 1h. */
        @WithDefault("1h")
        Duration segment();
    }

    /** An operation found running at start-up is resumed when younger than this, else aborted to DEGRADED. Default 10m. */
    @WithName("resume-max-age")
    @WithDefault("10m")
    Duration resumeMaxAge();

    /** One site the coordinator can reach over SSH. */
    interface Site {
        /** {@code primary} or {@code standby}. Required. */
        @Pattern(regexp = "primary|standby", message = "must be primary or standby")
        String role();

        /** SSH host. Required. */
        @NotBlank
        String host();

        /** SSH port. Default 22. */
        @WithDefault("22")
        @Min(1)
        @Max(65535)
        int port();

        /** SSH user. Default {@code baton}. */
        @WithDefault("baton")
        String user();

        /**
         * Path of the private key file as {@code ssh-keygen} writes it (Ed25519, ECDSA, RSA; PEM and PKCS#8 also read).
         * Required. A key that cannot be used stops the coordinator at startup naming this key.
         */
        @WithName("private-key")
        String privateKey();

        /** Passphrase of an encrypted private key (e.g. from an environment variable); never logged. */
        @WithName("private-key-passphrase")
        Optional<String> privateKeyPassphrase();

        /** A file whose first line is the private key's passphrase (instead of {@code private-key-passphrase}). */
        @WithName("private-key-passphrase-file")
        Optional<String> privateKeyPassphraseFile();

        /** Path of a known_hosts file pinning the site's host key. Required. */
        @WithName("known-hosts")
        String knownHosts();

        /** The stack's directory on the site (where docker-compose.yml lives). Required. */
        @NotBlank
        String root();

        /** Where the epoch is written over SFTP. Default {@code <root>/.baton/epoch}. */
        @WithName("epoch-file")
        Optional<String> epochFile();

        /** The compose command line. Default {@code docker compose}. */
        @WithName("compose-command")
        @WithDefault("docker compose")
        String composeCommand();

        /** Services that make up the trading engine: stopped by fence, watched by the split-brain guard. Default {@code trading-engine}. */
        @WithName("engine-services")
        @WithDefault("trading-engine")
        List<String> engineServices();

        /** The value the DNS record takes when this site is active (usually its public IP). Optional. */
        @WithName("dns-value")
        Optional<String> dnsValue();

        @WithName("fencing-endpoint")
        @Valid
        FencingEndpoint fencingEndpoint();

        /**
         * Confirms that this site's engine logged out of the broker cleanly when the fence stopped it: an SSH
         * command run on this site once the stop is confirmed, exit 0 = logged out. Unset = no such confirmation.
         */
        @WithName("logout-check")
        @Valid
        LogoutCheck logoutCheck();

        /** This site's PostgreSQL, for the {@code pg-*} runbook steps. Unset host = none. */
        @Valid
        Database database();

        /** This site's Redis, for the {@code redis-*} runbook steps. Unset host = none. */
        @Valid
        Redis redis();
    }

    /**
     * A site's Redis server as the coordinator reaches it: for {@code redis-promote} and {@code redis-replicate}. The
     * password comes from a file or an environment variable and is never logged.
     */
    interface Redis {
        /** Host or address of the site's Redis, as the coordinator and the other site's Redis reach it. Unset = none. */
        Optional<String> host();

        /** Port. Default 6379. */
        @WithDefault("6379")
        @Min(1)
        @Max(65535)
        int port();

        /** The ACL user (Redis 6+); unset = the default user. */
        Optional<String> user();

        /** A file whose first line is the password (mode 0600); also set as the replica's masterauth. */
        @WithName("password-file")
        Optional<String> passwordFile();

        /** The name of an environment variable holding the password (instead of {@code password-file}). */
        @WithName("password-env")
        Optional<String> passwordEnv();
    }

    /**
     * A site's PostgreSQL server as the coordinator reaches it (the reactive client): for {@code pg-check-replica},
     * {@code pg-fence-old} and {@code pg-promote}. The password comes from a file or an environment variable, never
     * from the configuration itself, and is never logged.
     */
    interface Database {
        /** Host or address of the site's PostgreSQL. Unset = this site has no database Baton manages. */
        Optional<String> host();

        /** Port. Default 5432. */
        @WithDefault("5432")
        @Min(1)
        @Max(65535)
        int port();

        /**
         * The account: a superuser, or one allowed {@code pg_promote()}, {@code pg_signal_backend}, {@code pg_read_all_stats},
         * {@code pg_checkpoint} and {@code ALTER SYSTEM}
         * of {@code default_transaction_read_only}. Default {@code postgres}.
         */
        @WithDefault("postgres")
        String user();

        /** The database to connect to. Default {@code postgres}. */
        @WithDefault("postgres")
        String name();

        /** A file whose first line is the password (mode 0600). */
        @WithName("password-file")
        Optional<String> passwordFile();

        /** The name of an environment variable holding the password (instead of {@code password-file}). */
        @WithName("password-env")
        Optional<String> passwordEnv();

        /** disable, allow, prefer, require, verify-ca or verify-full (libpq's sslmode). Default prefer. */
        @WithName("ssl-mode")
        @WithDefault("prefer")
        @Pattern(regexp = "disable|allow|prefer|require|verify-ca|verify-full",
                message = "must be disable, allow, prefer, require, verify-ca or verify-full")
        String sslMode();

        /** PEM file of the CA that signed the server's certificate; required with verify-ca and verify-full. */
        @WithName("ssl-root-cert")
        Optional<String> sslRootCert();

        /** How long connecting may take. Default 5s. */
        @WithName("connect-timeout")
        @WithDefault("5s")
        Duration connectTimeout();
    }

    /** A command that says whether the engine logged out of the broker before it stopped. */
    interface LogoutCheck {
        /**
         * Run on the site over SSH with {@code BATON_EPOCH} and {@code BATON_FENCE_STARTED} (when the stop began,
         * ISO-8601 UTC) exported; exit 0 = a clean logout is confirmed, anything else = not confirmed. E.g.
         * {@code docker compose logs --since "$BATON_FENCE_STARTED" ib-gateway | grep -q 'Logout complete'}.
         */
        Optional<String> command();

        /** How long the command may run. Default 10s. */
        @WithDefault("10s")
        Duration timeout();
    }

    /** An out-of-band way to power the site off (e.g. a cloud provider's API), used when SSH cannot reach it. */
    interface FencingEndpoint {
        /** URL that powers the server off on POST. Unset = no fencing endpoint. */
        Optional<String> url();

        /** URL whose GET body tells the power state. Default: none (a 2xx on the POST is taken as confirmation). */
        @WithName("status-url")
        Optional<String> statusUrl();

        /** Regex that must match the status body once the server is off. Default {@code "status"\s*:\s*"off"} (Hetzner Cloud). */
        @WithName("off-pattern")
        @WithDefault("\"status\"\\s*:\\s*\"off\"")
        String offPattern();

        /** Bearer token for the endpoint. Secret: from env or file only. */
        Optional<String> token();
    }

    interface Observers {
        /** Names of the observers (health-checker instances) whose verdicts count. Required. */
        @NotEmpty
        List<@Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._-]{0,99}") String> names();

        /** An observer whose last report is older than this abstains. Default 30s. */
        @WithDefault("30s")
        Duration staleness();

        /** Observers that must agree the active site is DOWN. Default: a majority of {@code names}. */
        Optional<@Min(1) Integer> quorum();
    }

    interface Policy {
        /** Automatic failover on or off (manual stays possible). Default true. */
        @WithDefault("true")
        boolean automatic();

        /** Whether a failed standby fails back automatically. Default false (failback is manual). */
        @WithName("automatic-failback")
        @WithDefault("false")
        boolean automaticFailback();

        /** How long the quorum must have seen the active site DOWN. Default 30s. */
        @WithDefault("30s")
        Duration confirmation();

        /** Minimum time between the end of one operation and the next automatic or manual failover. Default 5m. */
        @WithDefault("5m")
        Duration cooldown();

        /** At most this many failovers in any rolling 24 hours. Default 5. */
        @WithName("daily-cap")
        @WithDefault("5")
        @Min(1)
        int dailyCap();

        /** Require the standby to be UP by a quorum of observers. Default true. */
        @WithName("require-standby-up")
        @WithDefault("true")
        boolean requireStandbyUp();

        /**
         * Regex of check names left out when judging whether the target site can take over, e.g.
         * {@code .*-engine}: the target's engine is stopped on purpose, so its engine checks are DOWN
         * while the host is perfectly ready. The active site is always judged by all its critical checks.
         * Default: none (the target's full site status counts).
         */
        @WithName("target-ready-ignores")
        Optional<String> targetReadyIgnores();

        /** The standby's synced state must be younger than this. Default 15m. */
        @WithName("max-sync-age")
        @WithDefault("15m")
        Duration maxSyncAge();

        /** Announce and wait this long for a veto before an automatic failover. Default 0s (no veto window). */
        @WithName("veto-window")
        @WithDefault("0s")
        Duration vetoWindow();

        /** Broker maintenance windows: failures inside them do not count. Default: the IBKR windows. */
        @WithName("maintenance-windows")
        @WithDefault("daily 22:00 15m UTC;SUN 23:45 60m UTC")
        String maintenanceWindows();

        @Valid
        Remediation remediation();
    }

    /** Restart the engine containers on the failing active site before failing over. */
    interface Remediation {
        /** Default false. */
        @WithDefault("false")
        boolean enabled();

        /** How long to give the restarted engine before failing over anyway. Default 60s. */
        @WithDefault("60s")
        Duration grace();
    }

    /**
     * How a fence is done, and when the broker has let go of the fenced engine's session: a fence ends only when
     * the old engine's clean logout is confirmed ({@code sites.<name>.logout-check}), or the session check says the
     * account has no live session, or the session linger has passed since the fence was confirmed.
     */
    interface Fence {
        /**
         * How long a broker session may outlive an engine that died without logging out (power-off, SIGKILL, a
         * killed hung engine, a failed logout): the broker's heartbeat timeout plus a margin. Waited from the
         * confirmed fence (or the last moment the session check saw the session alive) unless a logout or the
         * session check confirms the release sooner. Default 5m (IBKR releases a dead session within about 5
         * minutes; a FIX venue after about two heartbeat intervals). 0 needs {@code takeover-allowed=true}.
         */
        @WithName("session-linger")
        Optional<Duration> sessionLinger();

        /** Former name of {@code session-linger}, still read when {@code session-linger} is unset. */
        @WithName("session-release")
        Optional<Duration> sessionRelease();

        /**
         * The broker lets a new login take over a dead session cleanly (it closes the old one, which can no longer
         * trade): only then may {@code session-linger} be 0. Default false.
         */
        @WithName("takeover-allowed")
        @WithDefault("false")
        boolean takeoverAllowed();

        /** Asks the broker (or whatever knows) whether the account still has a live session. Unset = no check. */
        @WithName("session-check")
        @Valid
        SessionCheck sessionCheck();

        /**
         * Whether an unreachable site with no fencing endpoint may be presumed fenced: only once its start gate's
         * lease has run out ({@code site-lease}, which this needs) and the broker released its session (session
         * check, or the session linger). Default false: such a fence fails and pages.
         */
        @WithName("allow-wait")
        @WithDefault("false")
        boolean allowWait();

        /**
         * The lease every site's start gate runs its engine under ({@code BATON_GATE_LEASE}, the same value): the
         * gate stops the engine when no coordinator with a quorum has confirmed this site for that long, or at once
         * when one says it may not run. A site is granted the lease while it is the active site and no operation
         * has begun fencing it. An unreachable site is presumed fenced only this long after its fence began.
         * Unset = the sites' gates do not supervise their engines, and an unreachable site is never presumed fenced.
         */
        @WithName("site-lease")
        Optional<Duration> siteLease();

        /** SSH connect timeout. Default 10s. */
        @WithName("connect-timeout")
        @WithDefault("10s")
        Duration connectTimeout();
    }

    /**
     * "Does the account still have a live broker session?" Either an HTTP GET whose JSON answer is judged by
     * {@code json-equals} (2xx and every condition holds = released; 2xx and one fails = still held; anything else
     * = cannot tell), or an SSH command (exit 0 = released, exit 1 = still held, anything else = cannot tell).
     * "Cannot tell" leaves the decision to the session linger; "still held" always blocks the start.
     */
    interface SessionCheck {
        /** URL to GET, e.g. the broker's account-session API. Set this or {@code command}. */
        Optional<String> url();

        /** Conditions on the JSON answer that mean "no live session", e.g. {@code live == false}. Required with {@code url}. */
        @WithName("json-equals")
        Optional<List<String>> jsonEquals();

        /** Bearer token sent with the GET. Secret: from env or file only. */
        Optional<String> token();

        /** SSH command that answers the question. Set this or {@code url}. */
        Optional<String> command();

        /** Where the command runs: {@code to} (the site taking over) or {@code from}. Default {@code to}. */
        @WithDefault("to")
        @Pattern(regexp = "from|to", message = "must be from or to")
        String site();

        /** Time between two asks. Default 500ms. */
        @WithDefault("500ms")
        Duration interval();

        /** How long one ask may take. Default 5s. */
        @WithDefault("5s")
        Duration timeout();
    }

    interface Runbook {
        /** Ordered steps. Empty = the built-in default (see docs/services/failover-coordinator.md). */
        Optional<List<@Valid Step>> steps();
    }

    /** What the coordinator watches of the sites' PostgreSQL pair. */
    interface Databases {
        /**
         * The most data, in time, the business accepts to lose on a failover: the replica's lag above it is an alert
         * (BatonDatabaseReplicaLagAboveRpo; {@code baton_coordinator_database_rpo_target_seconds}). Default 5s.
         */
        @WithName("rpo-target")
        @WithDefault("5s")
        Duration rpoTarget();
    }

    /** One runbook step. */
    interface Step {
        /** A label for the journal. Default: the type. */
        Optional<String> name();

        /**
         * notify, http-hook, ssh, fence, sync, start, wait-healthy, dns, wait, pg-rejoin, pg-fence-old,
         * pg-check-replica, pg-promote, redis-promote, redis-replicate. Required.
         */
        @Pattern(regexp = "notify|http-hook|ssh|fence|sync|start|wait-healthy|dns|wait|pg-rejoin|pg-fence-old|pg-check-replica|pg-promote"
                + "|redis-promote|redis-replicate",
                message = "must be one of notify, http-hook, ssh, fence, sync, start, wait-healthy, dns, wait, pg-rejoin, pg-fence-old, "
                        + "pg-check-replica, pg-promote, redis-promote, redis-replicate")
        String type();

        /**
         * Where ssh steps run: {@code from} (the site being left) or {@code to}; redis-replicate: the site whose
         * Redis becomes a replica of the other's. Default {@code to}.
         */
        @WithDefault("to")
        @Pattern(regexp = "from|to", message = "must be from or to")
        String site();

        /**
         * ssh: the command; pg-fence-old with mode stop: the command that stops the old site's database (e.g.
         * {@code docker compose stop postgres}); pg-rejoin: the command that makes the new site's database a replica
         * (e.g. deploy/site/baton-pg-rejoin).
         */
        Optional<String> command();

        /** http-hook: URL to POST the operation to (non-2xx vetoes). */
        Optional<String> url();

        /** notify: severity. Default INFO. */
        @WithDefault("INFO")
        @Pattern(regexp = "INFO|WARNING|CRITICAL", message = "must be INFO, WARNING or CRITICAL")
        String severity();

        /** notify: message; {kind}, {from}, {to}, {epoch}, {reason} are replaced. */
        Optional<String> message();

        /**
         * wait: how long; wait-healthy: how long to wait; pg-check-replica: how long to wait for the replica to catch
         * up before refusing; pg-promote: how long PostgreSQL may take to promote. Default 5m (wait-healthy), 5s
         * (pg-check-replica), 2m (pg-rejoin: how long to wait for the rejoined database to stream and catch up), 60s
         * (pg-promote), 0s otherwise.
         */
        Optional<Duration> duration();

        /**
         * pg-check-replica and pg-rejoin: the most the replica may be behind the primary (time since the last
         * transaction it replayed, while it has not replayed all the primary wrote). Default 0s: caught up.
         */
        @WithName("max-lag")
        Optional<Duration> maxLag();

        /**
         * pg-fence-old: {@code read-only} (default: the old primary's database keeps running, set
         * {@code default_transaction_read_only} and ends every client session) or {@code stop} (the step's
         * {@code command} run on the old site, then the database must refuse connections).
         */
        @WithDefault("read-only")
        @Pattern(regexp = "read-only|stop", message = "must be read-only or stop")
        String mode();

        /** wait-healthy: {@code containers} (docker inspect over SSH) or {@code verdicts} (quorum UP). Default containers. */
        @WithDefault("containers")
        @Pattern(regexp = "containers|verdicts", message = "must be containers or verdicts")
        String source();

        /** Per attempt. Default 2m. */
        @WithDefault("2m")
        Duration timeout();

        /** Extra attempts after a failure. Default 0. */
        @WithDefault("0")
        @Min(0)
        @Max(10)
        int retries();

        /** abort, continue or needs-operator. Default abort. */
        @WithName("on-failure")
        @WithDefault("abort")
        @Pattern(regexp = "abort|continue|needs-operator", message = "must be abort, continue or needs-operator")
        String onFailure();
    }

    interface Dns {
        /** Zone of the switched record. Unset = no DNS step in the default runbook. */
        Optional<String> zone();

        /** Record name, e.g. {@code trade.example.com}. */
        Optional<String> name();

        /** Record type. Default A. */
        @WithDefault("A")
        String type();

        /** TTL set on switch. Default 60. */
        @WithDefault("60")
        int ttl();
    }

    interface Clients {
        @WithName("state-sync")
        @Valid
        Client stateSync();

        @WithName("dns-manager")
        @Valid
        Client dnsManager();

        @Valid
        Client notifier();
    }

    /** Another Baton service. Its URL is {@code quarkus.rest-client.<name>.url}. */
    interface Client {
        /** Bearer token sent on mutating calls. Secret: from env or file only. */
        Optional<String> token();
    }

    interface Leader {
        /** This instance's id in the lease table. Default: the host name. */
        Optional<String> id();

        /** Lease lifetime (PostgreSQL store; ZooKeeper's session timeout plays this part there). Default 15s. */
        @WithDefault("15s")
        Duration lease();
    }

    /**
     * The state a store starts from when it holds none yet (a new install, or moving between PostgreSQL and ZooKeeper:
     * see docs/RUNBOOK.md). Ignored once the store has state.
     */
    interface Initial {
        /** The site running the engine. Default: the primary. */
        @WithName("active-site")
        Optional<String> activeSite();

        /** The epoch to start from: the old store's epoch + 1 when moving stores. Default 0. */
        @WithDefault("0")
        @Min(0)
        long epoch();
    }

    interface ZooKeeper {
        /**
         * The ensemble's servers, {@code host:port,host:port,host:port} (one per place: primary, standby, witness).
         * Required when {@code baton.coordinator.store=zookeeper}.
         */
        Optional<String> connect();

        /**
         * The session timeout asked for: a leader cut off from the quorum stops acting within about two thirds of
         * it, and another instance leads after it. The servers bound it to 2..20 ticks. Default 10s.
         */
        @WithName("session-timeout")
        @WithDefault("10s")
        Duration sessionTimeout();

        /** How long one connection attempt may take. Default 5s. */
        @WithName("connection-timeout")
        @WithDefault("5s")
        Duration connectionTimeout();

        /** The znode under which this Baton keeps its state (one per pair of sites). Default /baton. */
        @WithName("base-path")
        @WithDefault("/baton")
        String basePath();

        @Valid
        Retention retention();
    }

    /** How much finished history the ZooKeeper store keeps (each entry is one small znode). */
    interface Retention {
        /** Finished operations kept, with their step journals. Running ones are never removed. Default 200. */
        @WithDefault("200")
        @Min(10)
        @Max(10000)
        int operations();

        /** History entries kept, and as many audit entries. Default 2000. */
        @WithDefault("2000")
        @Min(100)
        @Max(100000)
        int history();
    }

    interface Guard {
        /** How often the inactive site is checked for a running engine (split-brain guard). Default 30s. */
        @WithDefault("30s")
        Duration interval();
    }
}
