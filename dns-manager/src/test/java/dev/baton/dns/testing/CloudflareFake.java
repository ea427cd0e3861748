package dev.baton.dns.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cloudflare API v4 as documented: {@code /client/v4} paths, Bearer token, the {@code {success, errors, messages,
 * result, result_info}} envelope, page/per_page pagination, PATCH that merges (so proxied, comment, tags stay),
 * 429 with Retry-After, and refusal of a TTL other than 1 on proxied records.
 */
public final class CloudflareFake extends HttpFake {
    private static final Pattern RECORDS = Pattern.compile("/client/v4/zones/([^/]+)/dns_records(?:/([^/]+))?");

    private final String token;
    private final Map<String, String> zoneIds = new LinkedHashMap<>();
    private final Map<String, List<ObjectNode>> records = new LinkedHashMap<>();
    private int maxPerPage = 100;
    private int rateLimited;
    private int retryAfterSeconds;
    private int nextId;

    public CloudflareFake(String token, List<String> zones) {
        this.token = token;
        for (String z : zones) {
            zoneIds.put(z, "zone" + Integer.toHexString(z.hashCode()));
        }
        resetState();
    }

    @Override
    protected synchronized void resetState() {
        records.clear();
        zoneIds.values().forEach(id -> records.put(id, new ArrayList<>()));
        maxPerPage = 100;
        rateLimited = 0;
    }

    /** Adds a record; returns its id. */
    public synchronized String add(String zone, String name, String type, String content, int ttl, boolean proxied) {
        ObjectNode r = JSON.createObjectNode();
        String id = "rec" + (++nextId);
        r.put("id", id).put("zone_id", zoneIds.get(zone)).put("zone_name", zone).put("name", name).put("type", type)
                .put("content", content).put("proxiable", true).put("proxied", proxied).put("ttl", proxied ? 1 : ttl)
                .put("comment", "primary site").putArray("tags").add("team:trading");
        records.get(zoneIds.get(zone)).add(r);
        return id;
    }

    /** Another writer (the dashboard, a script) sets a record's content. */
    public synchronized void setContent(String id, String content) {
        records.values().stream().flatMap(List::stream).filter(r -> r.path("id").asText().equals(id)).findFirst()
                .ifPresent(r -> r.put("content", content));
    }

    public synchronized JsonNode record(String id) {
        return records.values().stream().flatMap(List::stream).filter(r -> r.path("id").asText().equals(id)).findFirst()
                .map(r -> (JsonNode) r.deepCopy()).orElse(null);
    }

    /** Page size cap, so tests reach page 2 without thousands of records. */
    public synchronized void maxPerPage(int n) {
        maxPerPage = n;
    }

    /** The next {@code n} calls answer 429 with {@code Retry-After: seconds}. */
    public synchronized void rateLimit(int n, int seconds) {
        rateLimited = n;
        retryAfterSeconds = seconds;
    }

    @Override
    protected ResponseDefinitionBuilder handle(Request request) {
        String auth = request.getHeader("Authorization");
        if (auth == null || auth.isEmpty()) {
            return error(400, 6003, "Invalid request headers");
        }
        if (!auth.equals("Bearer " + token)) {
            return error(403, 9109, "Invalid access token");
        }
        if (rateLimited > 0) {
            rateLimited--;
            return error(429, 971, "Please wait and consider throttling your request speed")
                    .withHeader("Retry-After", String.valueOf(retryAfterSeconds));
        }
        String path = path(request);
        if (path.equals("/client/v4/zones") && request.getMethod().getName().equals("GET")) {
            String name = query(request, "name");
            List<JsonNode> zones = new ArrayList<>();
            zoneIds.forEach((z, id) -> {
                if (name == null || name.equals(z)) {
                    zones.add(JSON.createObjectNode().put("id", id).put("name", z).put("status", "active"));
                }
            });
            return page(zones, 1, 50);
        }
        Matcher m = RECORDS.matcher(path);
        if (!m.matches() || !records.containsKey(m.group(1))) {
            return error(404, 7003, "Could not route to " + path + ", perhaps your object identifier is invalid?");
        }
        List<ObjectNode> zone = records.get(m.group(1));
        String method = request.getMethod().getName();
        if (m.group(2) == null && method.equals("GET")) {
            String type = query(request, "type");
            String name = query(request, "name");
            List<JsonNode> hits = new ArrayList<>();
            for (ObjectNode r : zone) {
                if ((type == null || type.equals(r.path("type").asText())) && (name == null || name.equals(r.path("name").asText()))) {
                    hits.add(r.deepCopy());
                }
            }
            int pageNo = query(request, "page") == null ? 1 : Integer.parseInt(query(request, "page"));
            int perPage = query(request, "per_page") == null ? 100 : Integer.parseInt(query(request, "per_page"));
            return page(hits, pageNo, Math.min(perPage, maxPerPage));
        }
        if (m.group(2) != null && method.equals("PATCH")) {
            race(true);
            ObjectNode r = zone.stream().filter(x -> x.path("id").asText().equals(m.group(2))).findFirst().orElse(null);
            if (r == null) {
                return error(404, 81044, "Record does not exist.");
            }
            JsonNode body;
            try {
                body = JSON.readTree(request.getBodyAsString());
            } catch (Exception e) {
                return error(400, 9207, "Request body is invalid.");
            }
            boolean proxied = body.has("proxied") ? body.path("proxied").asBoolean() : r.path("proxied").asBoolean();
            if (proxied && body.has("ttl") && body.path("ttl").asInt() != 1) {
                return error(400, 9009, "TTL must be set to 1 (automatic) for proxied records");
            }
            if (body.has("content") && r.path("type").asText().equals("A") && !body.path("content").asText().matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                return error(400, 9005, "Content for A record must be a valid IPv4 address.");
            }
            body.fields().forEachRemaining(e -> r.set(e.getKey(), e.getValue()));
            recordChange("PATCH " + r.path("name").asText() + " " + r.path("type").asText() + " " + r.path("content").asText()
                    + " ttl=" + r.path("ttl").asInt() + " body=" + body);
            ObjectNode envelope = envelope().set("result", r.deepCopy());
            race(false);
            return json(200, envelope);
        }
        return error(405, 10000, "Method not allowed");
    }

    private ResponseDefinitionBuilder page(List<JsonNode> all, int page, int perPage) {
        int totalPages = Math.max(1, (all.size() + perPage - 1) / perPage);
        List<JsonNode> slice = all.subList(Math.min(all.size(), (page - 1) * perPage), Math.min(all.size(), page * perPage));
        ObjectNode body = envelope();
        body.putArray("result").addAll(slice);
        body.putObject("result_info").put("page", page).put("per_page", perPage).put("count", slice.size())
                .put("total_count", all.size()).put("total_pages", totalPages);
        return json(200, body);
    }

    private static ObjectNode envelope() {
        ObjectNode body = JSON.createObjectNode().put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        return body;
    }

    private static ResponseDefinitionBuilder error(int status, int code, String message) {
        ObjectNode body = JSON.createObjectNode().put("success", false);
        body.putArray("errors").addObject().put("code", code).put("message", message);
        body.putArray("messages");
        body.putNull("result");
        return json(status, body);
    }
}
