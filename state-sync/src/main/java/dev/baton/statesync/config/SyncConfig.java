package dev.baton.statesync.config;

import dev.baton.common.wire.Names;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything state-sync needs, under {@code baton.sync}. Every key is settable by environment
 * variable, e.g. {@code baton.sync.sites.standby.host} → {@code BATON_SYNC_SITES_STANDBY_HOST}.
 * {@link SyncConfigValidator} rejects what bean validation cannot express (paths escaping a root,
 * an unknown active site) with a message naming the key.
 */
@ConfigMapping(prefix = "baton.sync")
public interface SyncConfig {

    /**
     * The sites by name (e.g. {@code primary}, {@code standby}); names follow the Baton name rule.
     * No default: with no sites the service runs but replicates nothing.
     */
    Map<@Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String, Site> sites();

    /**
     * What to replicate, relative to each site's root: files or directories. Default {@code state,.env}.
     * Absolute paths and {@code ..} are refused at startup.
     */
    @WithDefault("state,.env")
    @NotEmpty
    List<@NotBlank String> paths();

    /**
     * Globs (relative to the root) of which only the NEWEST matching file is replicated, e.g.
     * {@code backups/*.dump} for the latest database dump. The glob applies to file names in one
     * directory. Default: none.
     */
    Optional<List<@NotBlank String>> newest();

    /**
     * Globs of relative paths never replicated, e.g. {@code **}{@code /*.tmp}. {@code .baton/} is
     * always excluded. Default: none.
     */
    Optional<List<@NotBlank String>> excludes();

    /** How many synced versions each target keeps under {@code .baton/snapshots}. Default 5. */
    @WithDefault("5")
    @Min(value = 1, message = "keep at least one snapshot (the current one)")
    @Max(1000)
    int snapshots();

    /**
     * Largest share of the replicated files one cycle may delete (0-1). A cycle above it is refused
     * and alerted: it protects the standby from an emptied or unmounted source. Default 0.5.
     */
    @WithName("delete-threshold")
    @WithDefault("0.5")
    @DecimalMin("0.0")
    @DecimalMax("1.0")
    double deleteThreshold();

    /** Continuous replication from the active site to every other site. */
    Continuous continuous();

    /** The active site and epoch assumed at startup, until the coordinator sets them. */
    Active active();

    /** SSH/SFTP transfer tuning. */
    Transfer transfer();

    /** Where refusals are alerted (the Baton notifier). */
    Alerts alerts();

    interface Alerts {
        /**
         * The notifier's base URL, e.g. {@code http://notifier:7084}. Default: none — refusals are then
         * only logged and counted. Also read by the REST client as {@code quarkus.rest-client.notifier.url}.
         */
        Optional<java.net.URI> url();

        /** Bearer token for the notifier's {@code POST /api/v1/alerts}; from the environment. Never logged. */
        Optional<String> token();
    }

    /** One site reached over SSH/SFTP. */
    interface Site {
        /** Host name or address. Required. */
        @NotBlank
        String host();

        /** SSH port. Default 22. */
        @WithDefault("22")
        @Min(1)
        @Max(65535)
        int port();

        /** SSH user. Default {@code baton}. */
        @WithDefault("baton")
        @NotBlank
        String user();

        /**
         * Private key file as {@code ssh-keygen} writes it (OpenSSH format: Ed25519, ECDSA, RSA; PEM and PKCS#8 also
         * read). Required; never logged. A key that cannot be used stops the service at startup naming this key.
         */
        @WithName("private-key")
        Path privateKey();

        /** Passphrase of an encrypted private key (e.g. from {@code BATON_SYNC_SITES_<NAME>_PRIVATE_KEY_PASSPHRASE}); never logged. */
        @WithName("private-key-passphrase")
        Optional<String> privateKeyPassphrase();

        /** A file whose first line is the private key's passphrase (instead of {@code private-key-passphrase}). */
        @WithName("private-key-passphrase-file")
        Optional<Path> privateKeyPassphraseFile();

        /** known_hosts file pinning the site's host key. Required. */
        @WithName("known-hosts")
        Path knownHosts();

        /**
         * The site's root directory as the SFTP server sees it (absolute), e.g. {@code /srv/trading}.
         * The epoch lives at {@code <root>/.baton/epoch}. Required.
         */
        @Pattern(regexp = "/.*", message = "must be an absolute path")
        String root();
    }

    interface Continuous {
        /** Replicate continuously from the active site to the others. Default true. */
        @WithDefault("true")
        boolean enabled();

        /**
         * How often the active site's metadata is polled (one SFTP directory walk on a kept-open
         * session), as the delay between the end of one tick and the start of the next. A tick that
         * changed a target is followed at once (a writer is active; the next change is likely already
         * there), so this paces idle polling. Default 200ms.
         */
        @WithDefault("0.2s")
        Duration interval();
    }

    interface Active {
        /** Site assumed active at startup. Default: none (nothing replicates until set via the API). */
        Optional<@Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String> site();

        /** Epoch assumed at startup. Default 0. */
        @WithDefault("0")
        @Min(0)
        long epoch();
    }

    interface Transfer {
        /** SSH connect + authentication timeout. Default 10s. */
        @WithName("connect-timeout")
        @WithDefault("10s")
        Duration connectTimeout();

        /**
         * How file content travels: {@code stream} (one {@code tar} stream per cycle over an SSH exec channel
         * on each side, one flush and one batched {@code sha256sum} on the target; needs GNU tar, coreutils
         * and the same paths for exec and SFTP), {@code sftp} (per-file SFTP requests; for sites that allow
         * only the SFTP subsystem), or {@code auto}: stream between two sites that pass a probe at connect,
         * else SFTP. Default {@code auto}.
         */
        @WithDefault("auto")
        dev.baton.statesync.sync.Transport transport();

        /** Files copied in parallel over each SFTP session. Default 8. */
        @WithDefault("8")
        @Min(1)
        @Max(64)
        int parallelism();

        /**
         * Reads of one source file before it is declared unstable (it changed during every read);
         * an unstable file keeps its previous version this cycle. Default 5.
         */
        @WithName("read-attempts")
        @WithDefault("5")
        @Min(1)
        @Max(100)
        int readAttempts();

        /** Writes of one file whose SHA-256 does not verify before the cycle fails. Default 3. */
        @WithName("verify-attempts")
        @WithDefault("3")
        @Min(1)
        @Max(100)
        int verifyAttempts();

        /**
         * Files modified this recently (by the source's clock vs ours) are re-hashed every cycle even
         * if size and mtime match, since a rewrite within the same mtime tick is otherwise invisible
         * (git's "racy" rule). Assumes clocks within this window (NTP). Default 2s.
         */
        @WithName("racy-window")
        @WithDefault("2s")
        Duration racyWindow();

        /**
         * Copy numeric owner/group (needs root on the target and matching uid/gid numbering).
         * Default false: files belong to the target's SSH user.
         */
        @WithName("preserve-ownership")
        @WithDefault("false")
        boolean preserveOwnership();

        /**
         * Stream transport: a stream through which no byte moved (read from the source's {@code tar -c} or
         * taken by the target's {@code tar -x}) for this long is cut and the cycle fails, leaving the target's
         * previous version; the next cycle starts over. Catches a site that hangs without closing its
         * connection (a frozen host, a black-holed route). Also the time a command has to exit once its stream
         * ended. Default 30s.
         */
        @WithName("stall-timeout")
        @WithDefault("30s")
        Duration stallTimeout();

        /**
         * Stream transport: the longest one of a cycle's batched commands may run (the listing, the re-hash
         * of recently modified files, the flush and SHA-256 of everything written, the {@code stat} of
         * everything read, the removal of old snapshots); a command still running then is cut and the cycle
         * fails. Generous: a flush of a large first copy writes nothing while it works. Default 10m.
         */
        @WithName("command-timeout")
        @WithDefault("10m")
        Duration commandTimeout();
    }
}
