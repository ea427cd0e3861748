package dev.baton.drill.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.baton.drill.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * The part of Cloudflare's API v4 dns-manager uses (zone lookup, record list with {@code result_info}
 * pagination, PATCH of content and TTL, the {@code {success, errors, messages, result}} envelope, Bearer
 * auth, 429 with {@code Retry-After}), in front of a real authoritative server: records are read from and
 * written to the Knot primary by DNS and RFC 2136 (TSIG), so a switch is observed on the wire. The drill
 * can make the next record calls fail with 500s and 429s, as a provider having a bad minute does.
 */
public final class CloudflareFront implements AutoCloseable {
    private static final Pattern RECORDS = Pattern.compile("/client/v4/zones/([^/]+)/dns_records(?:/([^/]+))?");

    private final String token;
    private final String zone;
    private final String zoneId;
    private final InetSocketAddress knot;
    private final TSIG tsig;
    private final HttpServer server;
    private final Deque<Integer> faults = new ArrayDeque<>();
    private final List<String> served = new ArrayList<>();

    /** {@code knot}: the primary that answers queries and takes TSIG-signed updates for {@code zone}. */
    public CloudflareFront(String token, String zone, InetSocketAddress knot, String tsigKeyName, String tsigSecret) throws IOException {
        this.token = token;
        this.zone = zone;
        this.zoneId = "023e105f4ecef8ad9ca31a8372d0c353".substring(0, 24) + Integer.toHexString(zone.hashCode());
        this.knot = knot;
        this.tsig = new TSIG(TSIG.HMAC_SHA256, Name.fromString(tsigKeyName.endsWith(".") ? tsigKeyName : tsigKeyName + "."),
                Base64.getDecoder().decode(tsigSecret));
        this.server = HttpServer.create(new InetSocketAddress(dev.baton.drill.Ports.bindAddress(), 0), 0);
        server.createContext("/client/v4/", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "cloudflare-front");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    /** The API base URL, as configured in dns-manager ({@code base-url}). */
    public String baseUrl() {
        return "http://" + dev.baton.drill.Ports.host() + ":" + server.getAddress().getPort() + "/client/v4";
    }

    /** The next record calls (list or update) answer these statuses in turn: 500 or 429 (Retry-After 1). Forgets earlier ones. */
    public synchronized void failNext(List<Integer> statuses) {
        faults.clear();
        served.clear();
        faults.addAll(statuses);
    }

    /** Faults still waiting for a call. */
    public synchronized int pendingFaults() {
        return faults.size();
    }

    /** Every fault answered since {@link #failNext}, e.g. "500 GET dns_records". */
    public synchronized List<String> served() {
        return List.copyOf(served);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Reply r = route(ex);
            byte[] out = Json.MAPPER.writeValueAsBytes(r.body());
            ex.getResponseHeaders().set("Content-Type", "application/json");
            r.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(r.status(), out.length);
            ex.getResponseBody().write(out);
        }
    }

    private record Reply(int status, JsonNode body, Map<String, String> headers) {
        Reply(int status, JsonNode body) {
            this(status, body, Map.of());
        }
    }

    private Reply route(HttpExchange ex) throws IOException {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || auth.isEmpty()) {
            return error(400, 6003, "Invalid request headers");
        }
        if (!auth.equals("Bearer " + token)) {
            return error(403, 9109, "Invalid access token");
        }
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        Map<String, String> query = query(ex.getRequestURI().getRawQuery());
        if (path.equals("/client/v4/zones") && method.equals("GET")) {
            List<JsonNode> zones = new ArrayList<>();
            if (query.get("name") == null || query.get("name").equals(zone)) {
                zones.add(Json.MAPPER.createObjectNode().put("id", zoneId).put("name", zone).put("status", "active"));
            }
            return page(zones, 1, 50);
        }
        Matcher m = RECORDS.matcher(path);
        if (!m.matches() || !m.group(1).equals(zoneId)) {
            return error(404, 7003, "Could not route to " + path + ", perhaps your object identifier is invalid?");
        }
        Integer fault = nextFault(method + " dns_records");
        if (fault != null) {
            return fault == 429
                    ? new Reply(429, errorBody(971, "Please wait and consider throttling your request speed"), Map.of("Retry-After", "1"))
                    : error(fault, 10000, "Internal server error");
        }
        if (m.group(2) == null && method.equals("GET")) {
            String type = query.get("type");
            String name = query.get("name");
            List<JsonNode> hits = new ArrayList<>();
            if ((type == null || type.equals("A")) && name != null) {
                ObjectNode record = lookup(strip(name));
                if (record != null) {
                    hits.add(record);
                }
            }
            int pageNo = query.get("page") == null ? 1 : Integer.parseInt(query.get("page"));
            int perPage = query.get("per_page") == null ? 100 : Integer.parseInt(query.get("per_page"));
            return page(hits, pageNo, perPage);
        }
        if (m.group(2) != null && method.equals("PATCH")) {
            String name = nameOf(m.group(2));
            ObjectNode record = name == null ? null : lookup(name);
            if (record == null) {
                return error(404, 81044, "Record does not exist.");
            }
            JsonNode body;
            try {
                body = Json.MAPPER.readTree(ex.getRequestBody().readNBytes(64 * 1024));
            } catch (IOException e) {
                return error(400, 9207, "Request body is invalid.");
            }
            String content = body.path("content").asText(record.path("content").asText());
            int ttl = body.path("ttl").asInt(record.path("ttl").asInt());
            if (!content.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
                return error(400, 9005, "Content for A record must be a valid IPv4 address.");
            }
            if (!update(name, content, ttl)) {
                return error(500, 10000, "Internal server error");
            }
            ObjectNode envelope = envelope();
            envelope.set("result", lookup(name));
            return new Reply(200, envelope);
        }
        return error(405, 10000, "Method not allowed");
    }

    private synchronized Integer nextFault(String call) {
        Integer f = faults.poll();
        if (f != null) {
            served.add(f + " " + call);
        }
        return f;
    }

    /** The A record as the authoritative primary answers it now; null if there is none. */
    private ObjectNode lookup(String name) throws IOException {
        SimpleResolver r = new SimpleResolver(knot);
        r.setTimeout(Duration.ofSeconds(2));
        Message reply = r.send(Message.newQuery(Record.newRecord(Name.fromString(name + "."), Type.A, DClass.IN)));
        if (reply.getRcode() != Rcode.NOERROR) {
            return null;
        }
        for (Record rr : reply.getSection(Section.ANSWER)) {
            if (rr instanceof ARecord a) {
                return Json.MAPPER.createObjectNode().put("id", idOf(name)).put("zone_id", zoneId).put("zone_name", zone)
                        .put("name", name).put("type", "A").put("content", a.getAddress().getHostAddress()).put("proxiable", true)
                        .put("proxied", false).put("ttl", (int) a.getTTL());
            }
        }
        return null;
    }

    /** Replaces the A record set at the primary by RFC 2136, signed with the zone's TSIG key. */
    private boolean update(String name, String content, int ttl) throws IOException {
        Update u = new Update(Name.fromString(zone + "."));
        Name owner = Name.fromString(name + ".");
        u.delete(owner, Type.A);
        u.add(owner, Type.A, ttl, content);
        SimpleResolver r = new SimpleResolver(knot);
        r.setTimeout(Duration.ofSeconds(2));
        r.setTSIGKey(tsig);
        return r.send(u).getRcode() == Rcode.NOERROR;
    }

    private final Map<String, String> names = new LinkedHashMap<>();

    private synchronized String idOf(String name) {
        String id = String.format("%032x", (long) name.hashCode() & 0xffffffffL);
        names.put(id, name);
        return id;
    }

    private synchronized String nameOf(String id) {
        return names.get(id);
    }

    private static String strip(String name) {
        return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    q.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return q;
    }

    private static Reply page(List<JsonNode> all, int page, int perPage) {
        int totalPages = Math.max(1, (all.size() + perPage - 1) / perPage);
        List<JsonNode> slice = all.subList(Math.min(all.size(), (page - 1) * perPage), Math.min(all.size(), page * perPage));
        ObjectNode body = envelope();
        ArrayNode result = body.putArray("result");
        slice.forEach(result::add);
        body.putObject("result_info").put("page", page).put("per_page", perPage).put("count", slice.size())
                .put("total_count", all.size()).put("total_pages", totalPages);
        return new Reply(200, body);
    }

    private static ObjectNode envelope() {
        ObjectNode body = Json.MAPPER.createObjectNode().put("success", true);
        body.putArray("errors");
        body.putArray("messages");
        return body;
    }

    private static ObjectNode errorBody(int code, String message) {
        ObjectNode body = Json.MAPPER.createObjectNode().put("success", false);
        body.putArray("errors").addObject().put("code", code).put("message", message);
        body.putArray("messages");
        body.putNull("result");
        return body;
    }

    private static Reply error(int status, int code, String message) {
        return new Reply(status, errorBody(code, message));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
