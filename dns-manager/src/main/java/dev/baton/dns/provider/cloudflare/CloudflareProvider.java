package dev.baton.dns.provider.cloudflare;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * Cloudflare API v4. The zone id is looked up by the zone apex (never by the record name); lists follow
 * {@code result_info} pagination; updates are PATCHes carrying only content and TTL, so {@code proxied},
 * comments and tags stay as they are. Past its rate limit Cloudflare refuses every call for 5 minutes.
 */
public final class CloudflareProvider implements DnsProvider {
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.cloudflare.com/client/v4");
    static final int PER_PAGE = 100;
    static final int MAX_PAGES = 50;
    private static final Duration DEFAULT_BLOCK = Duration.ofMinutes(5);

    private final String name;
    private final CloudflareApi api;
    private final ProviderCalls calls;
    private final Clock clock = Clock.systemUTC();
    private final Map<String, String> zoneIds = new ConcurrentHashMap<>();

    CloudflareProvider(String name, CloudflareApi api, ProviderCalls calls) {
        this.name = name;
        this.api = api;
        this.calls = calls;
    }

    public static CloudflareProvider create(String name, URI baseUrl, String token, Duration timeout, ProviderCalls calls) {
        CloudflareApi api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUrl)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .register(new BearerToken(token))
                .build(CloudflareApi.class);
        return new CloudflareProvider(name, api, calls);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "cloudflare";
    }

    @Override
    public List<DnsRecord> list(String zone, String fqdn, RecordType type) {
        String zoneId = zoneId(zone);
        List<DnsRecord> out = new ArrayList<>();
        for (int page = 1; page <= MAX_PAGES; page++) {
            int p = page;
            JsonNode body = calls.run("list records", () -> call("list records",
                    () -> api.records(zoneId, type.name(), fqdn, p, PER_PAGE)));
            for (JsonNode r : body.path("result")) {
                out.add(toRecord(r));
            }
            if (page >= body.path("result_info").path("total_pages").asInt(1)) {
                return out;
            }
        }
        throw ProviderException.rejected("more than " + MAX_PAGES + " pages of " + type + " records at " + fqdn);
    }

    @Override
    public ChangeResult apply(RecordChange change) {
        String zoneId = zoneId(change.zone());
        ObjectNode patch = JsonNodeFactory.instance.objectNode();
        patch.put("content", change.after().value());
        // proxied records always have TTL 1 ("automatic"); sending another TTL would be refused
        if (!Boolean.TRUE.equals(change.before().proxied())) {
            patch.put("ttl", change.after().ttl());
        }
        JsonNode body = calls.run("update record", () -> call("update record",
                () -> api.patch(zoneId, change.before().id(), patch)));
        DnsRecord after = toRecord(body.path("result"));
        return new ChangeResult(after.id(), after);
    }

    private String zoneId(String zone) {
        String cached = zoneIds.get(zone);
        if (cached != null) {
            return cached;
        }
        JsonNode body = calls.run("look up zone", () -> call("look up zone", () -> api.zones(zone, 1, 50)));
        String id = StreamSupport.stream(body.path("result").spliterator(), false)
                .filter(z -> zone.equalsIgnoreCase(z.path("name").asText()))
                .map(z -> z.path("id").asText())
                .findFirst()
                .orElseThrow(() -> ProviderException.rejected("Cloudflare account " + name + " has no zone " + zone));
        zoneIds.put(zone, id);
        return id;
    }

    private JsonNode call(String what, Supplier<Response> exchange) {
        try (Response response = HttpFailures.exchange(what, exchange)) {
            JsonNode body = response.hasEntity() ? readJson(response) : JsonNodeFactory.instance.objectNode();
            if (response.getStatus() / 100 == 2 && body.path("success").asBoolean(false)) {
                return body;
            }
            throw HttpFailures.forStatus("Cloudflare " + what, response.getStatus(), errors(body),
                    HttpFailures.retryAfter(response, clock), DEFAULT_BLOCK);
        }
    }

    private static JsonNode readJson(Response response) {
        try {
            return response.readEntity(JsonNode.class);
        } catch (RuntimeException e) {
            return JsonNodeFactory.instance.objectNode();
        }
    }

    /** Cloudflare's error envelope: {@code {success:false, errors:[{code, message}]}}. */
    private static String errors(JsonNode body) {
        return StreamSupport.stream(body.path("errors").spliterator(), false)
                .map(e -> e.path("code").asText() + " " + e.path("message").asText())
                .collect(Collectors.joining("; "));
    }

    private static DnsRecord toRecord(JsonNode r) {
        return new DnsRecord(r.path("id").asText(), r.path("name").asText(), RecordType.parse(r.path("type").asText()),
                r.path("content").asText(), r.path("ttl").asInt(), r.path("proxied").asBoolean(false));
    }
}
