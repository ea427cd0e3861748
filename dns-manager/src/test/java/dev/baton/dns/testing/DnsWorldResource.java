package dev.baton.dns.testing;

import dev.baton.common.testing.KnotServers;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts {@link DnsWorld} and points the service at it: one provider account per fake, an rfc2136 account on the
 * knot primary, and both knot servers as the nameservers to verify every zone against. Credentials reach the
 * service the way production passes them: the Cloudflare token through a file, the others inline (env vars).
 */
public class DnsWorldResource implements QuarkusTestResourceLifecycleManager {
    private DnsWorld world;
    private Path secrets;

    @Override
    public Map<String, String> start() {
        try {
            KnotServers knot = KnotServers.available() ? KnotServers.start(DnsWorld.ALL_ZONES) : null;
            secrets = Files.createTempDirectory("baton-dns-secrets");
            Path cfToken = Files.writeString(secrets.resolve("cf-token"), DnsWorld.CF_TOKEN + "\n", StandardCharsets.UTF_8);
            Path audit = secrets.resolve("audit.jsonl");
            world = new DnsWorld(
                    new CloudflareFake(DnsWorld.CF_TOKEN, List.of("example.com", "limited.example")),
                    new DigitalOceanFake(DnsWorld.DO_TOKEN, List.of("example.net")),
                    new Route53Fake(DnsWorld.AWS_KEY_ID, DnsWorld.AWS_SECRET, List.of("example.org")),
                    knot, audit);

            // without knotd, nameserver addresses point at a closed loopback port: propagation tests are skipped
            String ns = knot != null ? KnotServers.hostPort(knot.primary()) + "," + KnotServers.hostPort(knot.lagging())
                    : "127.0.0.1:9";
            Map<String, String> c = new HashMap<>();
            provider(c, "cf", "cloudflare", "example.com", world.cloudflare().baseUri() + "/client/v4", ns);
            c.put("baton.dns.providers.cf.token-file", cfToken.toString());
            provider(c, "cf-limited", "cloudflare", "limited.example", world.cloudflare().baseUri() + "/client/v4", ns);
            c.put("baton.dns.providers.cf-limited.token", DnsWorld.CF_TOKEN);
            c.put("baton.dns.providers.cf-limited.max-retry-wait", "2s");
            provider(c, "do", "digitalocean", "example.net", world.digitalOcean().baseUri().toString(), ns);
            c.put("baton.dns.providers.do.token", DnsWorld.DO_TOKEN);
            provider(c, "r53", "route53", "example.org", world.route53().baseUri().toString(), ns);
            c.put("baton.dns.providers.r53.access-key-id", DnsWorld.AWS_KEY_ID);
            c.put("baton.dns.providers.r53.secret-access-key", DnsWorld.AWS_SECRET);
            c.put("baton.dns.providers.r53.change-poll-interval", "50ms");
            c.put("baton.dns.providers.r53.change-timeout", "5s");
            // no nameservers configured: propagation finds them through the zone's NS records
            provider(c, "cf-discover", "cloudflare", "discover.example", world.cloudflare().baseUri() + "/client/v4", null);
            c.put("baton.dns.providers.cf-discover.token", DnsWorld.CF_TOKEN);
            // accounts whose credentials the fakes refuse
            provider(c, "cf-bad", "cloudflare", "cf-bad.example", world.cloudflare().baseUri() + "/client/v4", ns);
            c.put("baton.dns.providers.cf-bad.token", DnsWorld.WRONG_SECRET);
            provider(c, "r53-bad", "route53", "r53-bad.example", world.route53().baseUri().toString(), ns);
            c.put("baton.dns.providers.r53-bad.access-key-id", DnsWorld.AWS_KEY_ID);
            c.put("baton.dns.providers.r53-bad.secret-access-key", DnsWorld.WRONG_SECRET);
            c.put("baton.dns.providers.knot.type", "rfc2136");
            c.put("baton.dns.providers.knot.zones", "example.test");
            c.put("baton.dns.providers.knot.server", knot != null ? KnotServers.hostPort(knot.primary()) : "127.0.0.1:9");
            c.put("baton.dns.providers.knot.tsig-key-name", KnotServers.KEY_NAME);
            c.put("baton.dns.providers.knot.tsig-secret", knot != null ? knot.tsigSecret() : "c2VjcmV0");
            c.put("baton.dns.providers.knot.nameservers", ns);
            c.put("baton.dns.providers.knot.timeout", "3s");
            // the "public resolver" in tests is the knot primary: loopback only, never the internet
            c.put("baton.dns.propagation.resolvers", knot != null ? KnotServers.hostPort(knot.primary()) : "127.0.0.1:9");
            c.put("baton.dns.propagation.query-timeout", "3s");
            c.put("baton.dns.propagation.poll-interval", "100ms");
            c.put("baton.dns.audit.file", audit.toString());
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void provider(Map<String, String> c, String name, String type, String zones, String baseUrl, String ns) {
        c.put("baton.dns.providers." + name + ".type", type);
        c.put("baton.dns.providers." + name + ".zones", zones);
        c.put("baton.dns.providers." + name + ".base-url", baseUrl);
        if (ns != null) {
            c.put("baton.dns.providers." + name + ".nameservers", ns);
        }
        c.put("baton.dns.providers." + name + ".max-retry-wait", "5s");
        c.put("baton.dns.providers." + name + ".timeout", "3s");
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(world, new TestInjector.AnnotatedAndMatchesType(InjectDnsWorld.class, DnsWorld.class));
    }

    @Override
    public void stop() {
        if (world != null) {
            world.cloudflare().close();
            world.digitalOcean().close();
            world.route53().close();
            if (world.knot() != null) {
                world.knot().close();
            }
        }
        if (secrets != null) {
            try (var walk = Files.walk(secrets)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // temp files only
            }
        }
    }
}
