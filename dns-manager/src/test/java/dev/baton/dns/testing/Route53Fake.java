package dev.baton.dns.testing;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.http.Request;
import dev.baton.dns.provider.route53.SigV4Signer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Route 53's REST/XML API as documented: every request must carry a valid SigV4 signature (recomputed here from
 * what arrived: method, path, query, Host and X-Amz-Date, body hash), ListHostedZonesByName,
 * ListResourceRecordSets starting at name/type, ChangeResourceRecordSets (UPSERT/CREATE/DELETE) answering
 * PENDING, GetChange turning INSYNC after a few polls, and {@code Throttling} / {@code PriorRequestNotComplete}
 * errors in the {@code ErrorResponse} envelope.
 */
public final class Route53Fake extends HttpFake {
    private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final Pattern RRSET = Pattern.compile("/2013-04-01/hostedzone/([^/]+)/rrset/?");
    private static final Pattern CHANGE = Pattern.compile("/2013-04-01/change/([^/]+)");
    private static final DateTimeFormatter AMZ = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final String accessKeyId;
    private final String secret;
    private final Map<String, String> zoneIds = new LinkedHashMap<>();
    /** zone id -> "name.|TYPE" -> [ttl, values...] */
    private final Map<String, TreeMap<String, List<String>>> sets = new LinkedHashMap<>();
    private final Map<String, Integer> pendingPolls = new LinkedHashMap<>();
    private int pollsUntilInSync = 2;
    private int throttled;
    private String throttleCode = "Throttling";
    private int nextChange;
    private int changePolls;
    /** Runs once when the next ChangeResourceRecordSets arrives, before it is applied: another writer, racing. */
    private Runnable beforeNextChange;

    public Route53Fake(String accessKeyId, String secret, List<String> zones) {
        this.accessKeyId = accessKeyId;
        this.secret = secret;
        int i = 0;
        for (String z : zones) {
            zoneIds.put(z, "Z0" + (++i) + "FAKE" + Math.abs(z.hashCode()));
        }
        resetState();
    }

    @Override
    protected synchronized void resetState() {
        sets.clear();
        zoneIds.values().forEach(id -> sets.put(id, new TreeMap<>()));
        pendingPolls.clear();
        beforeNextChange = null;
        pollsUntilInSync = 2;
        throttled = 0;
        changePolls = 0;
    }

    /** GetChange calls since the last reset. */
    public synchronized int changePolls() {
        return changePolls;
    }

    public synchronized void put(String zone, String fqdn, String type, int ttl, String... values) {
        List<String> v = new ArrayList<>();
        v.add(String.valueOf(ttl));
        v.addAll(List.of(values));
        sets.get(zoneIds.get(zone)).put(fqdn + ".|" + type, v);
    }

    /** [ttl, values...] of a record set, or null. */
    public synchronized List<String> get(String zone, String fqdn, String type) {
        List<String> v = sets.get(zoneIds.get(zone)).get(fqdn + ".|" + type);
        return v == null ? null : List.copyOf(v);
    }

    /** Another writer acts between Baton's read and Baton's write: {@code race} runs as the next change batch arrives. */
    public synchronized void beforeNextChange(Runnable race) {
        beforeNextChange = race;
    }

    public synchronized void pollsUntilInSync(int n) {
        pollsUntilInSync = n;
    }

    /** The next {@code n} calls fail with {@code code} (Throttling or PriorRequestNotComplete), HTTP 400. */
    public synchronized void throttle(int n, String code) {
        throttled = n;
        throttleCode = code;
    }

    @Override
    protected ResponseDefinitionBuilder handle(Request request) {
        ResponseDefinitionBuilder denied = verifySignature(request);
        if (denied != null) {
            return denied;
        }
        if (throttled > 0) {
            throttled--;
            return error(400, throttleCode, throttleCode.equals("Throttling") ? "Rate exceeded"
                    : "The request was rejected because Route 53 was still processing a prior request.");
        }
        String path = path(request);
        String method = request.getMethod().getName();
        if (path.equals("/2013-04-01/hostedzonesbyname") && method.equals("GET")) {
            String dnsName = query(request, "dnsname");
            StringBuilder b = new StringBuilder("<ListHostedZonesByNameResponse xmlns=\"" + NS + "\"><HostedZones>");
            zoneIds.forEach((z, id) -> {
                if (dnsName == null || (z + ".").compareTo(dnsName) >= 0) {
                    b.append("<HostedZone><Id>/hostedzone/").append(id).append("</Id><Name>").append(z)
                            .append(".</Name><CallerReference>ref</CallerReference><Config><PrivateZone>false</PrivateZone></Config>")
                            .append("<ResourceRecordSetCount>3</ResourceRecordSetCount></HostedZone>");
                }
            });
            b.append("</HostedZones><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListHostedZonesByNameResponse>");
            return xml(200, b.toString());
        }
        Matcher rr = RRSET.matcher(path);
        if (rr.matches()) {
            TreeMap<String, List<String>> zone = sets.get(rr.group(1));
            if (zone == null) {
                return error(404, "NoSuchHostedZone", "No hosted zone found with ID: " + rr.group(1));
            }
            return method.equals("GET") ? list(zone, request) : method.equals("POST") ? change(zone, request.getBodyAsString())
                    : error(405, "MethodNotAllowed", "method not allowed");
        }
        Matcher ch = CHANGE.matcher(path);
        if (ch.matches() && method.equals("GET")) {
            changePolls++;
            Integer left = pendingPolls.get(ch.group(1));
            if (left == null) {
                return error(404, "NoSuchChange", "A change with the specified change ID does not exist.");
            }
            String status = left <= 0 ? "INSYNC" : "PENDING";
            pendingPolls.put(ch.group(1), left - 1);
            return xml(200, "<GetChangeResponse xmlns=\"" + NS + "\"><ChangeInfo><Id>/change/" + ch.group(1) + "</Id><Status>"
                    + status + "</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo></GetChangeResponse>");
        }
        return error(404, "NotFound", "no such resource " + path);
    }

    private ResponseDefinitionBuilder list(TreeMap<String, List<String>> zone, Request request) {
        String name = query(request, "name");
        String type = query(request, "type");
        int max = query(request, "maxitems") == null ? 300 : Integer.parseInt(query(request, "maxitems"));
        String from = name == null ? "" : name + "|" + (type == null ? "" : type);
        StringBuilder b = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + NS + "\"><ResourceRecordSets>");
        int n = 0;
        String next = null;
        for (var e : zone.tailMap(from, true).entrySet()) {
            if (n == max) {
                next = e.getKey();
                break;
            }
            String[] key = e.getKey().split("\\|");
            b.append("<ResourceRecordSet><Name>").append(key[0]).append("</Name><Type>").append(key[1]).append("</Type><TTL>")
                    .append(e.getValue().get(0)).append("</TTL><ResourceRecords>");
            for (String v : e.getValue().subList(1, e.getValue().size())) {
                b.append("<ResourceRecord><Value>").append(v.replace("&", "&amp;").replace("<", "&lt;")).append("</Value></ResourceRecord>");
            }
            b.append("</ResourceRecords></ResourceRecordSet>");
            n++;
        }
        b.append("</ResourceRecordSets><IsTruncated>").append(next != null).append("</IsTruncated>");
        if (next != null) {
            String[] key = next.split("\\|");
            b.append("<NextRecordName>").append(key[0]).append("</NextRecordName><NextRecordType>").append(key[1]).append("</NextRecordType>");
        }
        b.append("<MaxItems>").append(max).append("</MaxItems></ListResourceRecordSetsResponse>");
        return xml(200, b.toString());
    }

    private ResponseDefinitionBuilder change(TreeMap<String, List<String>> zone, String body) {
        Document doc;
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            doc = f.newDocumentBuilder().parse(new ByteArrayInputStream(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (Exception e) {
            return error(400, "InvalidInput", "Could not parse the request body");
        }
        if (!NS.equals(doc.getDocumentElement().getNamespaceURI())
                || !"ChangeResourceRecordSetsRequest".equals(doc.getDocumentElement().getLocalName())) {
            return error(400, "InvalidInput", "Expected ChangeResourceRecordSetsRequest in namespace " + NS);
        }
        if (beforeNextChange != null) {
            Runnable race = beforeNextChange;
            beforeNextChange = null;
            race.run();
        }
        // Route 53 applies a batch atomically: every change is checked against the zone as it goes, on a copy,
        // and the zone takes the copy only if all of them held
        TreeMap<String, List<String>> live = zone;
        zone = new TreeMap<>(live);
        List<String> applied = new ArrayList<>();
        NodeList changes = doc.getElementsByTagNameNS(NS, "Change");
        for (int i = 0; i < changes.getLength(); i++) {
            Element c = (Element) changes.item(i);
            String action = text(c, "Action");
            String key = text(c, "Name") + "|" + text(c, "Type");
            List<String> v = new ArrayList<>();
            v.add(text(c, "TTL"));
            NodeList values = c.getElementsByTagNameNS(NS, "Value");
            for (int j = 0; j < values.getLength(); j++) {
                v.add(values.item(j).getTextContent());
            }
            switch (action) {
                case "UPSERT" -> zone.put(key, v);
                case "CREATE" -> {
                    if (zone.containsKey(key)) {
                        return error(400, "InvalidChangeBatch", "Tried to create resource record set but it already exists");
                    }
                    zone.put(key, v);
                }
                case "DELETE" -> {
                    if (!v.equals(zone.get(key))) {
                        return error(400, "InvalidChangeBatch", "Tried to delete resource record set but the values provided do not match the current values");
                    }
                    zone.remove(key);
                }
                default -> {
                    return error(400, "InvalidInput", "Invalid action " + action);
                }
            }
            applied.add(action + " " + key.replace("|", " ") + " ttl=" + v.get(0) + " " + v.subList(1, v.size()));
        }
        live.clear();
        live.putAll(zone);
        applied.forEach(this::recordChange);
        String id = "C" + (++nextChange) + "FAKECHANGE";
        pendingPolls.put(id, pollsUntilInSync);
        return xml(200, "<ChangeResourceRecordSetsResponse xmlns=\"" + NS + "\"><ChangeInfo><Id>/change/" + id
                + "</Id><Status>PENDING</Status><SubmittedAt>2026-01-01T00:00:00.000Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>");
    }

    /** Recomputes the signature from what arrived; null when it is valid. */
    private ResponseDefinitionBuilder verifySignature(Request request) {
        String auth = request.getHeader("Authorization");
        String date = request.getHeader("X-Amz-Date");
        if (auth == null || date == null || !auth.startsWith("AWS4-HMAC-SHA256 ")) {
            return error(403, "MissingAuthenticationToken", "Missing Authentication Token");
        }
        Matcher m = Pattern.compile("Credential=([^/]+)/(\\d{8})/([^/]+)/route53/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})")
                .matcher(auth);
        if (!m.find() || !m.group(1).equals(accessKeyId)) {
            return error(403, "InvalidClientTokenId", "The security token included in the request is invalid.");
        }
        Map<String, List<String>> signed = new TreeMap<>();
        for (String h : m.group(4).split(";")) {
            String v = request.getHeader(h);
            if (v == null) {
                return error(403, "SignatureDoesNotMatch", "signed header " + h + " is missing");
            }
            signed.put(h, List.of(v));
        }
        if (!signed.containsKey("host") || !signed.containsKey("x-amz-date")) {
            return error(403, "SignatureDoesNotMatch", "host and x-amz-date must be signed");
        }
        SigV4Signer signer = new SigV4Signer(accessKeyId, secret, m.group(3), "route53");
        var at = LocalDateTime.parse(date, AMZ).toInstant(ZoneOffset.UTC);
        String expected = signer.authorization(new SigV4Signer.Request(request.getMethod().getName(),
                URI.create("http://" + request.getHeader("Host") + request.getUrl()), signed, request.getBody()), at);
        if (!expected.equals(auth)) {
            return error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        }
        return null;
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagNameNS(NS, tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().trim();
    }

    private static ResponseDefinitionBuilder xml(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "text/xml")
                .withBody("<?xml version=\"1.0\"?>\n" + body);
    }

    private static ResponseDefinitionBuilder error(int status, String code, String message) {
        return xml(status, "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>" + code + "</Code><Message>"
                + message + "</Message></Error><RequestId>fake-request-id</RequestId></ErrorResponse>");
    }
}
