package dev.baton.healthchecker.config;

import dev.baton.common.wire.Names;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the health-checker is told. Every key can be set by environment variable, e.g.
 * {@code baton.health.checks[0].target} as {@code BATON_HEALTH_CHECKS_0__TARGET}. Rules that span
 * several keys (known type, timeout within interval, URL shape, unique names) are enforced by
 * {@link CheckCatalog} at startup, with the offending key in the message.
 */
@ConfigMapping(prefix = "baton.health")
public interface HealthCheckerConfig {

    /** This instance's observer name as the coordinator sees it, e.g. {@code standby} or {@code witness}. Required. */
    @NotBlank
    @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE)
    String observer();

    /** Where verdicts are pushed. */
    @Valid
    Push push();

    /** Probe scheduling. */
    @Valid
    Scheduler scheduler();

    /** The checks, indexed: {@code baton.health.checks[0].name=...}. Default: none. */
    List<@Valid Check> checks();

    interface Push {
        /**
         * Coordinator base URLs; each receives {@code POST <url>/api/v1/verdicts}. Default: none
         * (verdicts are then only served at {@code GET /api/v1/verdicts}).
         */
        Optional<List<String>> coordinators();

        /** Bearer token sent to the coordinators. Secret: set from the environment only. Required when coordinators are set. */
        Optional<String> token();

        /** A push of the current verdicts even when nothing changed, so a silent observer can be told from a healthy site. Default 5s. */
        @WithDefault("5s")
        Duration heartbeat();

        /** Connect and read timeout of one push. Default 2s. */
        @WithDefault("2s")
        Duration timeout();

        /** First retry delay after a failed push; doubled on every further failure. Default 500ms. */
        @WithDefault("500ms")
        Duration initialBackoff();

        /** Ceiling of the retry delay. Default 30s. */
        @WithDefault("30s")
        Duration maxBackoff();
    }

    interface Scheduler {
        /** Spread each check's first run over its interval so checks do not fire in bursts. Default true. */
        @WithDefault("true")
        boolean jitter();

        /** Threads for probes that block (ssh-command, process). Default 8. */
        @WithDefault("8")
        @Min(1)
        @Max(256)
        int blockingThreads();
    }

    interface Check {
        /** Unique name of the check, e.g. {@code primary-engine-http}. Required. */
        @NotBlank
        @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE)
        String name();

        /** The site this check speaks for, e.g. {@code primary}. Required. */
        @NotBlank
        @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE)
        String site();

        /** One of {@code http}, {@code tcp}, {@code postgres}, {@code ssh-command}, {@code process}. Required. */
        @NotBlank
        String type();

        /**
         * What is probed: an http(s) URL; {@code host:port} for tcp; a {@code postgresql://host:port/db} URL;
         * the command for ssh-command; the process name (or pid file path) for process. Required.
         */
        @NotBlank
        String target();

        /** Time between two probes. Default 10s. */
        @WithDefault("10s")
        Duration interval();

        /** How long one probe may take before it counts as failed; at most the interval. Default 3s. */
        @WithDefault("3s")
        Duration timeout();

        /** Consecutive failures before the check is DOWN. Default 3. */
        @WithDefault("3")
        @Min(1)
        @Max(1000)
        int failureThreshold();

        /** Consecutive successes before the check is UP. Default 2. */
        @WithDefault("2")
        @Min(1)
        @Max(1000)
        int successThreshold();

        /** Whether this check decides its site's status. Default true. */
        @WithDefault("true")
        boolean critical();

        /** Options of http checks. */
        @Valid
        Http http();

        /** Options of tcp checks. */
        Tcp tcp();

        /** Options of postgres checks. */
        Postgres postgres();

        /** Options of ssh-command checks. */
        Ssh ssh();

        /** Options of process checks. */
        Process process();
    }

    interface Http {
        /** HTTP method. Default GET. */
        @WithDefault("GET")
        @Pattern(regexp = "GET|HEAD|POST|PUT|OPTIONS", message = "must be GET, HEAD, POST, PUT or OPTIONS")
        String method();

        /** Request headers, e.g. {@code http.headers.Accept=application/json}. Default: none. */
        Map<String, String> headers();

        /** Request body for POST/PUT. Default: none. */
        Optional<String> body();

        /** Status codes that count as success. Default 200. */
        @WithDefault("200")
        List<Integer> expectedStatus();

        /**
         * Conditions on a JSON body, each {@code <dotted.path> == <value>}, e.g.
         * {@code components.ib_gateway.connected == true}. Default: none.
         */
        Optional<List<String>> jsonEquals();

        /** A regular expression the body must contain a match of. Default: none. */
        Optional<String> bodyRegex();

        /** A response slower than this counts as a failure. Default: none (only the timeout applies). */
        Optional<Duration> maxLatency();

        /** Verify the server's certificate chain and host name. Default true. */
        @WithDefault("true")
        boolean tlsVerify();

        /** PEM file of extra CA certificates to trust (a private CA). Default: the JVM's trust store. */
        Optional<Path> caCert();

        /** At most this many body bytes are read; a larger body fails checks with body conditions. Default 65536. */
        @WithDefault("65536")
        @Min(1)
        @Max(16 * 1024 * 1024)
        int maxBodyBytes();
    }

    interface Tcp {
        /** Text sent after connecting (escapes {@code \n}, {@code \r} understood). Default: nothing. */
        Optional<String> send();

        /** Text the reply must contain. Default: none (a connect is enough). */
        Optional<String> expect();
    }

    interface Postgres {
        /** User name, if not in the URL. Default: from the URL, else {@code postgres}. */
        Optional<String> username();

        /** Password. Secret: set from the environment only. Default: from the URL, else none. */
        Optional<String> password();

        /** Expected role: {@code primary} or {@code replica} (by {@code pg_is_in_recovery()}). Default: either. */
        Optional<String> role();

        /** On a replica, the largest acceptable replay lag ({@code now() - pg_last_xact_replay_timestamp()}). Default: none. */
        Optional<Duration> maxReplayLag();
    }

    interface Ssh {
        /** SSH host of the site. Required for ssh-command checks. */
        Optional<String> host();

        /** SSH port. Default 22. */
        @WithDefault("22")
        @Min(1)
        @Max(65535)
        int port();

        /** SSH user. Required for ssh-command checks. */
        Optional<String> user();

        /**
         * Private key file as {@code ssh-keygen} writes it (Ed25519, ECDSA, RSA; PEM and PKCS#8 also read). Required
         * for ssh-command checks; a key that cannot be used stops the service at startup naming this key.
         */
        Optional<Path> privateKey();

        /** Passphrase of an encrypted private key (e.g. from an environment variable); never logged. */
        Optional<String> privateKeyPassphrase();

        /** A file whose first line is the private key's passphrase (instead of {@code private-key-passphrase}). */
        Optional<Path> privateKeyPassphraseFile();

        /** known_hosts file pinning the site's host key. Required for ssh-command checks. */
        Optional<Path> knownHosts();
    }

    interface Process {
        /** How the target is read: {@code name} (a process whose command's file name equals it) or {@code pid-file}. Default name. */
        @WithDefault("name")
        @Pattern(regexp = "name|pid-file", message = "must be name or pid-file")
        String match();
    }
}
