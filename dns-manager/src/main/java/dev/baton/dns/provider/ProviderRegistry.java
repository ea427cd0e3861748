package dev.baton.dns.provider;

import dev.baton.dns.config.DnsConfig;
import dev.baton.dns.config.HostPort;
import dev.baton.dns.provider.cloudflare.CloudflareProvider;
import dev.baton.dns.provider.digitalocean.DigitalOceanProvider;
import dev.baton.dns.provider.rfc2136.Rfc2136Provider;
import dev.baton.dns.provider.route53.Route53Provider;
import dev.baton.dns.provider.route53.SigV4Signer;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jboss.logging.Logger;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * The configured provider accounts and the zones they serve, built and checked once at startup: a bad
 * provider section stops the service with a message naming the key.
 */
@ApplicationScoped
@Startup
public class ProviderRegistry {
    private static final Logger LOG = Logger.getLogger(ProviderRegistry.class);
    private static final String PREFIX = "baton.dns.providers.";

    private final Map<String, ZoneTarget> zones;
    private final Map<String, DnsProvider> providers;

    public ProviderRegistry(DnsConfig config) {
        Map<String, ZoneTarget> z = new TreeMap<>();
        Map<String, DnsProvider> p = new TreeMap<>();
        config.providers().forEach((name, pc) -> {
            String key = PREFIX + name;
            if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
                throw new IllegalStateException(key + ": provider names are lower-case letters, digits and '-'");
            }
            DnsProvider provider = build(name, key, pc);
            p.put(name, provider);
            List<InetSocketAddress> nameservers = new ArrayList<>();
            for (String ns : pc.nameservers().orElse(List.of())) {
                try {
                    nameservers.add(HostPort.parse(ns, 53));
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(key + ".nameservers: " + e.getMessage());
                }
            }
            for (String raw : pc.zones()) {
                String zone = normalizeZone(key + ".zones", raw);
                ZoneTarget previous = z.put(zone, new ZoneTarget(zone, provider, List.copyOf(nameservers)));
                if (previous != null) {
                    throw new IllegalStateException(key + ".zones: zone " + zone + " is already served by provider "
                            + previous.provider().name());
                }
            }
            LOG.infof("DNS provider %s (%s) serves %s", name, provider.kind(), pc.zones());
        });
        this.zones = Collections.unmodifiableMap(z);
        this.providers = Collections.unmodifiableMap(p);
    }

    /** A zone, the account that serves it and the nameservers configured to verify it (empty: look them up). */
    public record ZoneTarget(String zone, DnsProvider provider, List<InetSocketAddress> nameservers) {
    }

    public Optional<ZoneTarget> zone(String zone) {
        return Optional.ofNullable(zones.get(zone));
    }

    public Optional<DnsProvider> provider(String name) {
        return Optional.ofNullable(providers.get(name));
    }

    /** The configured zone that holds {@code fqdn} (longest match), if any. */
    public Optional<ZoneTarget> zoneOf(String fqdn) {
        String name = fqdn.toLowerCase(Locale.ROOT);
        ZoneTarget best = null;
        for (ZoneTarget t : zones.values()) {
            if ((name.equals(t.zone()) || name.endsWith("." + t.zone())) && (best == null || t.zone().length() > best.zone().length())) {
                best = t;
            }
        }
        return Optional.ofNullable(best);
    }

    public Map<String, ZoneTarget> zones() {
        return zones;
    }

    public Map<String, DnsProvider> providers() {
        return providers;
    }

    static String normalizeZone(String key, String raw) {
        String zone = raw.trim().toLowerCase(Locale.ROOT);
        if (zone.endsWith(".")) {
            zone = zone.substring(0, zone.length() - 1);
        }
        if (!zone.matches("[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*")) {
            throw new IllegalStateException(key + ": '" + raw + "' is not a zone name");
        }
        return zone;
    }

    private static DnsProvider build(String name, String key, DnsConfig.Provider pc) {
        ProviderCalls calls = ProviderCalls.of(name, pc.maxRetries(), pc.maxRetryWait());
        switch (pc.type()) {
            case CLOUDFLARE -> {
                String token = Secrets.require(key + ".token", pc.token(), pc.tokenFile());
                return CloudflareProvider.create(name, baseUrl(key, pc, CloudflareProvider.DEFAULT_BASE_URL), token, pc.timeout(), calls);
            }
            case DIGITALOCEAN -> {
                String token = Secrets.require(key + ".token", pc.token(), pc.tokenFile());
                return DigitalOceanProvider.create(name, baseUrl(key, pc, DigitalOceanProvider.DEFAULT_BASE_URL), token, pc.timeout(), calls);
            }
            case ROUTE53 -> {
                String keyId = pc.accessKeyId().filter(s -> !s.isBlank())
                        .orElseThrow(() -> new IllegalStateException(key + ".access-key-id is required for route53"));
                String secret = Secrets.require(key + ".secret-access-key", pc.secretAccessKey(), pc.secretAccessKeyFile());
                SigV4Signer signer = new SigV4Signer(keyId, secret, pc.region(), "route53");
                return Route53Provider.create(name, baseUrl(key, pc, Route53Provider.DEFAULT_BASE_URL), signer, pc.timeout(), calls,
                        pc.changeTimeout(), pc.changePollInterval());
            }
            case RFC2136 -> {
                String server = pc.server().orElseThrow(() -> new IllegalStateException(key + ".server is required for rfc2136"));
                InetSocketAddress address;
                try {
                    address = HostPort.parse(server, 53);
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(key + ".server: " + e.getMessage());
                }
                String keyName = pc.tsigKeyName().orElseThrow(() -> new IllegalStateException(key + ".tsig-key-name is required for rfc2136"));
                String secret = Secrets.require(key + ".tsig-secret", pc.tsigSecret(), pc.tsigSecretFile());
                TSIG tsig;
                try {
                    tsig = new TSIG(tsigAlgorithm(key, pc.tsigAlgorithm()), Name.fromString(keyName.endsWith(".") ? keyName : keyName + "."),
                            Base64.getDecoder().decode(secret));
                } catch (TextParseException e) {
                    throw new IllegalStateException(key + ".tsig-key-name: not a domain name");
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(key + ".tsig-secret: not valid base64");
                }
                return new Rfc2136Provider(name, address, tsig, pc.timeout(), calls);
            }
            default -> throw new IllegalStateException(key + ".type: unsupported");
        }
    }

    private static Name tsigAlgorithm(String key, String algorithm) {
        return switch (algorithm.toLowerCase(Locale.ROOT)) {
            case "hmac-sha256" -> TSIG.HMAC_SHA256;
            case "hmac-sha512" -> TSIG.HMAC_SHA512;
            case "hmac-sha384" -> TSIG.HMAC_SHA384;
            case "hmac-sha1" -> TSIG.HMAC_SHA1;
            default -> throw new IllegalStateException(key + ".tsig-algorithm: '" + algorithm + "' is not hmac-sha256, hmac-sha384, hmac-sha512 or hmac-sha1");
        };
    }

    private static URI baseUrl(String key, DnsConfig.Provider pc, URI fallback) {
        URI uri = pc.baseUrl().orElse(fallback);
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalStateException(key + ".base-url: '" + uri + "' is not an http(s) URL");
        }
        return uri;
    }
}
