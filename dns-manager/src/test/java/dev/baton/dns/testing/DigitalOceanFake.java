package dev.baton.dns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DigitalOcean API v2 as documented: Bearer token (401 {@code {id, message}} otherwise), the records list filtered
 * by {@code name} = FQDN while records carry relative names ({@code www}, {@code @}), {@code links.pages.next}
 * pagination, PUT of the whole record, and 429 with {@code ratelimit-*} headers.
 */
public final class DigitalOceanFake extends HttpFake {
    private static final Pattern RECORDS = Pattern.compile("/v2/domains/([^/]+)/records(?:/(\\d+))?");

    private final String token;
    private final List<String> domains;
    private final Map<String, List<ObjectNode>> records = new LinkedHashMap<>();
    private int maxPerPage = 200;
    private int rateLimited;
    private int nextId = 1000;

    public DigitalOceanFake(String token, List<String> domains) {
        this.token = token;
        this.domains = List.copyOf(domains);
        resetState();
    }

    @Override
    protected synchronized void resetState() {
        records.clear();
        domains.forEach(d -> records.put(d, new ArrayList<>()));
        maxPerPage = 200;
        rateLimited = 0;
    }

    /** Adds a record with a relative name ({@code www} or {@code @}); returns its id. */
    public synchronized int add(String domain, String relativeName, String type, String data, int ttl) {
        int id = ++nextId;
        ObjectNode r = JSON.createObjectNode().put("id", id).put("type", type).put("name", relativeName).put("data", data);
        r.putNull("priority");
        r.putNull("port");
        r.put("ttl", ttl);
        r.putNull("weight");
        r.putNull("flags");
        r.putNull("tag");
        records.get(domain).add(r);
        return id;
    }

    /** Another writer (the control panel, a script) sets a record's data. */
    public synchronized void setData(int id, String data) {
        records.values().stream().flatMap(List::stream).filter(r -> r.path("id").asInt() == id).findFirst()
                .ifPresent(r -> r.put("data", data));
    }

    public synchronized JsonNode record(int id) {
        return records.values().stream().flatMap(List::stream).filter(r -> r.path("id").asInt() == id).findFirst()
                .map(r -> (JsonNode) r.deepCopy()).orElse(null);
    }

    public synchronized void maxPerPage(int n) {
        maxPerPage = n;
    }

    /** The next {@code n} calls answer 429; the window resets one second from now. */
    public synchronized void rateLimit(int n) {
        rateLimited = n;
    }

    @Override
    protected ResponseDefinitionBuilder handle(Request request) {
        if (!("Bearer " + token).equals(request.getHeader("Authorization"))) {
            return error(401, "Unauthorized", "Unable to authenticate you");
        }
        if (rateLimited > 0) {
            rateLimited--;
            return error(429, "too_many_requests", "API Rate limit exceeded.")
                    .withHeader("ratelimit-limit", "5000").withHeader("ratelimit-remaining", "0")
                    .withHeader("ratelimit-reset", String.valueOf(Instant.now().getEpochSecond() + 1));
        }
        Matcher m = RECORDS.matcher(path(request));
        if (!m.matches() || !records.containsKey(m.group(1))) {
            return error(404, "not_found", "The resource you were accessing could not be found.");
        }
        String domain = m.group(1);
        String method = request.getMethod().getName();
        if (m.group(2) == null && method.equals("GET")) {
            String name = query(request, "name");
            String type = query(request, "type");
            List<JsonNode> hits = new ArrayList<>();
            for (ObjectNode r : records.get(domain)) {
                String fqdn = r.path("name").asText().equals("@") ? domain : r.path("name").asText() + "." + domain;
                if ((name == null || name.equals(fqdn)) && (type == null || type.equals(r.path("type").asText()))) {
                    hits.add(r.deepCopy());
                }
            }
            int page = query(request, "page") == null ? 1 : Integer.parseInt(query(request, "page"));
            int perPage = Math.min(maxPerPage, query(request, "per_page") == null ? 20 : Integer.parseInt(query(request, "per_page")));
            int last = Math.max(1, (hits.size() + perPage - 1) / perPage);
            ObjectNode body = JSON.createObjectNode();
            body.putArray("domain_records").addAll(hits.subList(Math.min(hits.size(), (page - 1) * perPage),
                    Math.min(hits.size(), page * perPage)));
            ObjectNode pages = body.putObject("links").putObject("pages");
            String self = "https://api.digitalocean.com/v2/domains/" + domain + "/records?name=" + name + "&type=" + type
                    + "&per_page=" + perPage + "&page=";
            if (page < last) {
                pages.put("last", self + last).put("next", self + (page + 1));
            }
            if (page > 1) {
                pages.put("first", self + 1).put("prev", self + (page - 1));
            }
            body.putObject("meta").put("total", hits.size());
            return json(200, body);
        }
        if (m.group(2) != null && method.equals("PUT")) {
            race(true);
            int id = Integer.parseInt(m.group(2));
            ObjectNode r = records.get(domain).stream().filter(x -> x.path("id").asInt() == id).findFirst().orElse(null);
            if (r == null) {
                return error(404, "not_found", "The resource you were accessing could not be found.");
            }
            JsonNode body;
            try {
                body = JSON.readTree(request.getBodyAsString());
            } catch (Exception e) {
                return error(400, "bad_request", "unparseable body");
            }
            if (!body.has("type")) {
                return error(422, "unprocessable_entity", "Type can't be blank");
            }
            if (body.path("ttl").asInt(1800) < 30) {
                return error(422, "unprocessable_entity", "Ttl must be greater than or equal to 30");
            }
            body.fields().forEachRemaining(e -> r.set(e.getKey(), e.getValue()));
            recordChange("PUT " + r.path("name").asText() + " " + r.path("type").asText() + " " + r.path("data").asText()
                    + " ttl=" + r.path("ttl").asInt());
            ObjectNode answer = JSON.createObjectNode();
            answer.set("domain_record", r.deepCopy());
            race(false);
            return json(200, answer);
        }
        return error(405, "method_not_allowed", "Method not allowed");
    }

    private static ResponseDefinitionBuilder error(int status, String id, String message) {
        return json(status, JSON.createObjectNode().put("id", id).put("message", message));
    }
}
