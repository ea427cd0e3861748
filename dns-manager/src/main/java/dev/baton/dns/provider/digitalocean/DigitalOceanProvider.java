package dev.baton.dns.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.dns.provider.BearerToken;
import dev.baton.dns.provider.ChangeResult;
import dev.baton.dns.provider.DnsProvider;
import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.HttpFailures;
import dev.baton.dns.provider.ProviderCalls;
import dev.baton.dns.provider.ProviderException;
import dev.baton.dns.provider.RecordChange;
import dev.baton.dns.provider.RecordType;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DigitalOcean API v2. The list filter takes the FQDN but records come back with names relative to the
 * domain ({@code www}, {@code @}); pages are followed through {@code links.pages.next} (only its page number is
 * used, so the token never goes to a host other than the configured one); updates are PUTs of the whole record.
 * A 429 carries {@code ratelimit-reset} (epoch seconds) and sometimes {@code Retry-After}.
 */
public final class DigitalOceanProvider implements DnsProvider {
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.digitalocean.com");
    static final int PER_PAGE = 200;
    static final int MAX_PAGES = 50;
    private static final Pattern PAGE = Pattern.compile("[?&]page=(\\d+)");
    private static final Duration DEFAULT_WAIT = Duration.ofSeconds(60);

    private final String name;
    private final DigitalOceanApi api;
    private final ProviderCalls calls;
    private final Clock clock = Clock.systemUTC();

    DigitalOceanProvider(String name, DigitalOceanApi api, ProviderCalls calls) {
        this.name = name;
        this.api = api;
        this.calls = calls;
    }

    public static DigitalOceanProvider create(String name, URI baseUrl, String token, Duration timeout, ProviderCalls calls) {
        DigitalOceanApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUrl)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .register(new BearerToken(token))
                .build(DigitalOceanApi.class);
        return new DigitalOceanProvider(name, api, calls);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "digitalocean";
    }

    @Override
    public List<DnsRecord> list(String zone, String fqdn, RecordType type) {
        List<DnsRecord> out = new ArrayList<>();
        int page = 1;
        for (int fetched = 0; fetched < MAX_PAGES; fetched++) {
            int p = page;
            JsonNode body = calls.run("list records", () -> call("list records",
                    () -> api.records(zone, fqdn, type.name(), p, PER_PAGE)));
            for (JsonNode r : body.path("domain_records")) {
                DnsRecord record = toRecord(zone, r);
                // the filter is the provider's; keep only what was asked for in case it is looser
                if (record.type() == type && record.name().equalsIgnoreCase(fqdn)) {
                    out.add(record);
                }
            }
            String next = body.path("links").path("pages").path("next").asText("");
            Matcher m = PAGE.matcher(next);
            if (next.isEmpty() || !m.find() || Integer.parseInt(m.group(1)) <= page) {
                return out;
            }
            page = Integer.parseInt(m.group(1));
        }
        throw ProviderException.rejected("more than " + MAX_PAGES + " pages of " + type + " records at " + fqdn);
    }

    @Override
    public ChangeResult apply(RecordChange change) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("type", change.before().type().name());
        body.put("name", relative(change.zone(), change.before().name()));
        body.put("data", change.after().value());
        body.put("ttl", change.after().ttl());
        JsonNode answer = calls.run("update record", () -> call("update record",
                () -> api.update(change.zone(), change.before().id(), body)));
        DnsRecord after = toRecord(change.zone(), answer.path("domain_record"));
        return new ChangeResult(after.id(), after);
    }

    private JsonNode call(String what, Supplier<Response> exchange) {
        try (Response response = HttpFailures.exchange(what, exchange)) {
            JsonNode body = readJson(response);
            if (response.getStatus() / 100 == 2) {
                return body;
            }
            Duration wait = HttpFailures.retryAfter(response, clock);
            if (wait == null) {
                wait = resetIn(response.getHeaderString("ratelimit-reset"));
            }
            // DigitalOcean's error body: {"id": "not_found", "message": "..."}
            String detail = (body.path("id").asText("") + " " + body.path("message").asText("")).trim();
            throw HttpFailures.forStatus("DigitalOcean " + what, response.getStatus(), detail, wait, DEFAULT_WAIT);
        }
    }

    private Duration resetIn(String epochSeconds) {
        if (epochSeconds == null) {
            return null;
        }
        try {
            Duration d = Duration.between(clock.instant(), Instant.ofEpochSecond(Long.parseLong(epochSeconds.trim())));
            return d.isNegative() ? Duration.ZERO : d;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static JsonNode readJson(Response response) {
        if (!response.hasEntity()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            return response.readEntity(JsonNode.class);
        } catch (RuntimeException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    static String relative(String zone, String fqdn) {
        if (fqdn.equalsIgnoreCase(zone)) {
            return "@";
        }
        return fqdn.substring(0, fqdn.length() - zone.length() - 1);
    }

    static String absolute(String zone, String relative) {
        return "@".equals(relative) || relative.isEmpty() ? zone : relative + "." + zone;
    }

    private static DnsRecord toRecord(String zone, JsonNode r) {
        return new DnsRecord(r.path("id").asText(), absolute(zone, r.path("name").asText()),
                RecordType.parse(r.path("type").asText()), r.path("data").asText(), r.path("ttl").asInt(), null);
    }
}
