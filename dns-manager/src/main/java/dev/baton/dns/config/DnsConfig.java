package dev.baton.dns.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything dns-manager reads from configuration. Every key can be set by environment variable,
 * e.g. {@code baton.dns.providers.cf.token-file} is {@code BATON_DNS_PROVIDERS_CF_TOKEN_FILE}.
 * Secrets are read from the {@code *-file} keys (or their inline twins, meant for env vars) and never logged.
 */
@ConfigMapping(prefix = "baton.dns")
public interface DnsConfig {

    /**
     * DNS provider accounts by name (lower-case letters, digits and '-'); each serves the zones it lists.
     * Default: none (the service boots, and every switch is refused with 400 "unknown zone").
     */
    Map<String, Provider> providers();

    /** How propagation is verified. */
    Propagation propagation();

    /** Where the change audit goes. */
    Audit audit();

    /** One account at one DNS provider. */
    interface Provider {

        /** {@code cloudflare}, {@code digitalocean}, {@code route53} or {@code rfc2136}. Required. */
        ProviderType type();

        /** Zone apexes this account serves, e.g. {@code example.com}. Required, at least one. */
        @NotEmpty List<String> zones();

        /**
         * API base URL. Default per type: {@code https://api.cloudflare.com/client/v4},
         * {@code https://api.digitalocean.com}, {@code https://route53.amazonaws.com}; unused by rfc2136.
         */
        Optional<URI> baseUrl();

        /** Bearer API token (cloudflare, digitalocean) given inline, e.g. from an env var. No default. */
        Optional<String> token();

        /** File holding the bearer API token (cloudflare, digitalocean); preferred over {@code token}. No default. */
        Optional<Path> tokenFile();

        /** AWS access key id (route53). No default. */
        Optional<String> accessKeyId();

        /** AWS secret access key (route53) given inline. No default. */
        Optional<String> secretAccessKey();

        /** File holding the AWS secret access key (route53). No default. */
        Optional<Path> secretAccessKeyFile();

        /** AWS signing region (route53). Default {@code us-east-1}, where Route 53's global endpoint signs. */
        @WithDefault("us-east-1")
        String region();

        /** Primary server that accepts dynamic updates, {@code host[:port]} (rfc2136). Required for rfc2136. */
        Optional<String> server();

        /** TSIG key name (rfc2136). Required for rfc2136. */
        Optional<String> tsigKeyName();

        /** TSIG algorithm (rfc2136): hmac-sha256, hmac-sha512, hmac-sha1. Default {@code hmac-sha256}. */
        @WithDefault("hmac-sha256")
        String tsigAlgorithm();

        /** TSIG secret, base64 (rfc2136) given inline. No default. */
        Optional<String> tsigSecret();

        /** File holding the base64 TSIG secret (rfc2136). No default. */
        Optional<Path> tsigSecretFile();

        /**
         * Authoritative nameservers ({@code host[:port]}, IP literals) to verify propagation against instead of
         * the zone's NS records looked up through {@code baton.dns.propagation.resolvers}. Default: look them up.
         */
        Optional<List<String>> nameservers();

        /** Timeout of one API call. Default 10 s. */
        @WithDefault("10s")
        Duration timeout();

        /** Retries of a rate-limited or transiently failing API call. Default 4. */
        @WithDefault("4")
        @Min(0) @Max(10)
        int maxRetries();

        /**
         * Longest wait for a provider-imposed rate-limit window (Retry-After) before giving up with 503.
         * Default 30 s. A longer window (Cloudflare blocks for 5 minutes) fails fast rather than hangs.
         */
        @WithDefault("30s")
        Duration maxRetryWait();

        /** Route 53: how long to poll GetChange for INSYNC after a change. Default 120 s. */
        @WithDefault("120s")
        Duration changeTimeout();

        /** Route 53: interval between GetChange polls. Default 2 s. */
        @WithDefault("2s")
        Duration changePollInterval();
    }

    /** Propagation checks. */
    interface Propagation {

        /**
         * Recursive resolvers ({@code host[:port]}) used to find a zone's nameservers when none are configured,
         * and reported as informational answers. Default {@code 1.1.1.1,8.8.8.8}.
         */
        @WithDefault("1.1.1.1,8.8.8.8")
        List<String> resolvers();

        /** Timeout of one DNS query. Default 2 s. */
        @WithDefault("2s")
        Duration queryTimeout();

        /** Interval between rounds while waiting for all authoritative servers to agree. Default 1 s. */
        @WithDefault("1s")
        Duration pollInterval();

        /** Upper bound of the {@code wait} a caller may ask for. Default 300 s. */
        @WithDefault("300s")
        Duration maxWait();
    }

    /** The audit of changes. */
    interface Audit {

        /** JSON-lines file every change is appended to (and fsynced). Default: none, memory and log only. */
        Optional<Path> file();

        /** How many recent entries {@code GET /api/v1/audit} keeps in memory. Default 1000. */
        @WithDefault("1000")
        @Min(1) @Max(100_000)
        int memoryEntries();
    }
}
