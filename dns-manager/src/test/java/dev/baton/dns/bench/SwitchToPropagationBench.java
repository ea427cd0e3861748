package dev.baton.dns.bench;

import static io.restassured.RestAssured.given;

import dev.baton.dns.testing.DnsWorld;
import dev.baton.dns.testing.DnsWorldResource;
import dev.baton.dns.testing.InjectDnsWorld;
import dev.baton.common.testing.KnotServers;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Measurement run, not a test (its name keeps it out of the default Surefire includes, and it only runs with
 * {@code -Dbaton.bench=true}): time from the switch request to every authoritative nameserver answering the new
 * value, per provider. Authoritative servers are the knot primary and its real secondary (NOTIFY + IXFR). For the
 * provider fakes the run plays the provider's edge: right after the switch returns it publishes the change on the
 * knot primary by RFC 2136 (that time is included). For RFC 2136 the switch itself writes the primary.
 * Run: see docs/benchmarks/dns-manager.md.
 */
@QuarkusTest
@WithTestResource(DnsWorldResource.class)
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class SwitchToPropagationBench {
    private static final String TOKEN = "test-token-0123456789";
    private static final String FROM = KnotServers.WWW_START;

    @InjectDnsWorld
    DnsWorld world;

    record Sample(long switchMs, long liveMs, int rounds) {
    }

    @Test
    void measure() throws Exception {
        if (!world.hasKnot()) {
            throw new IllegalStateException("the benchmark needs knotd at " + KnotServers.KNOTD);
        }
        int rounds = Integer.getInteger("baton.bench.rounds", 20);
        StringBuilder out = new StringBuilder();
        out.append("| provider | runs | switch p50 / p95 / max (ms) | switch → all authoritative NS answer, p50 / p95 / max (ms) |\n")
                .append("|---|---|---|---|\n");
        for (String provider : List.of("cloudflare", "digitalocean", "route53", "rfc2136")) {
            measure(provider, 2); // warm-up: zone-id caches, JIT, connections
            List<Sample> samples = measure(provider, rounds);
            out.append("| ").append(provider).append(" | ").append(samples.size()).append(" | ")
                    .append(stats(samples.stream().mapToLong(Sample::switchMs).toArray())).append(" | ")
                    .append(stats(samples.stream().mapToLong(Sample::liveMs).toArray())).append(" |\n");
        }
        out.append("\nrun at ").append(Instant.now()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" CPUs, load average ").append(Files.readString(Path.of("/proc/loadavg")).trim()).append('\n');
        System.out.println("\n=== dns-manager switch-to-propagation ===\n" + out);
        Files.writeString(Path.of("target", "dns-manager-bench.md"), out);
    }

    private List<Sample> measure(String provider, int n) throws Exception {
        String zone = switch (provider) {
            case "cloudflare" -> "example.com";
            case "digitalocean" -> "example.net";
            case "route53" -> "example.org";
            default -> "example.test";
        };
        List<Sample> samples = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            String label = "b" + System.nanoTime();
            String fqdn = label + "." + zone;
            String to = "198.51.100." + (i % 250 + 1);
            seed(provider, zone, label, fqdn);

            long t0 = System.nanoTime();
            given().auth().oauth2(TOKEN).header("X-Baton-Actor", "bench").contentType(ContentType.JSON)
                    .body("{\"zone\":\"%s\",\"name\":\"%s\",\"type\":\"A\",\"from\":\"%s\",\"to\":\"%s\",\"ttl\":60,\"dryRun\":false}"
                            .formatted(zone, fqdn, FROM, to))
                    .post("/api/v1/switch").then().statusCode(200);
            long t1 = System.nanoTime();
            if (!provider.equals("rfc2136")) {
                world.knot().set(world.knot().primary(), zone, fqdn, "A", to, 60);
            }
            JsonPath report = given().get("/api/v1/propagation?name=%s&type=A&expected=%s&wait=30&nameservers=%s,%s"
                    .formatted(fqdn, to, KnotServers.hostPort(world.knot().primary()), KnotServers.hostPort(world.knot().secondary())))
                    .then().statusCode(200).extract().jsonPath();
            long t2 = System.nanoTime();
            if (!report.getBoolean("complete")) {
                throw new IllegalStateException(provider + ": not live after 30 s: " + report.prettify());
            }
            samples.add(new Sample((t1 - t0) / 1_000_000, (t2 - t0) / 1_000_000, report.getInt("rounds")));
        }
        return samples;
    }

    private void seed(String provider, String zone, String label, String fqdn) throws IOException {
        switch (provider) {
            case "cloudflare" -> world.cloudflare().add(zone, fqdn, "A", FROM, 300, false);
            case "digitalocean" -> world.digitalOcean().add(zone, label, "A", FROM, 300);
            case "route53" -> world.route53().put(zone, fqdn, "A", 300, FROM);
            default -> {
            }
        }
        world.knot().set(world.knot().primary(), zone, fqdn, "A", FROM, 300);
        // start from a settled state: the secondary already serves the old value
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> FROM.equals(answer(world.knot().secondary(), fqdn)));
    }

    private static String answer(java.net.InetSocketAddress server, String fqdn) throws IOException {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(Duration.ofSeconds(1));
        Message q = Message.newQuery(Record.newRecord(Name.fromString(fqdn + "."), Type.A, DClass.IN));
        q.getHeader().unsetFlag(Flags.RD);
        for (Record rec : r.send(q).getSection(Section.ANSWER)) {
            return rec.rdataToString();
        }
        return null;
    }

    private static String stats(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        return String.format(Locale.ROOT, "%d / %d / %d", v[(v.length - 1) / 2], v[(int) Math.ceil(v.length * 0.95) - 1], v[v.length - 1]);
    }
}
