package dev.baton.dns.provider.route53;

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
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Amazon Route 53 over its REST/XML API, signed with SigV4 by {@link SigV4Filter}. The hosted zone is found by
 * name; a switch is a real compare-and-set: one ChangeResourceRecordSets batch that DELETEs the record set exactly as
 * it was listed and CREATEs the new one. Route 53 applies a batch atomically and refuses all of it
 * ({@code InvalidChangeBatch}) when the set no longer holds those values, e.g. because another writer changed it after
 * Baton read it; that refusal is a {@link ProviderException.Kind#CONFLICT}. Then GetChange is polled until
 * INSYNC or the configured deadline. {@code Throttling} and {@code PriorRequestNotComplete} are retried with
 * jittered backoff by {@link ProviderCalls}.
 */
public final class Route53Provider implements DnsProvider {
    public static final URI DEFAULT_BASE_URL = URI.create("https://route53.amazonaws.com");
    static final String XMLNS = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final Set<String> RETRYABLE = Set.of("Throttling", "ThrottlingException", "PriorRequestNotComplete");

    private final String name;
    private final Route53Api api;
    private final ProviderCalls calls;
    private final Duration changeTimeout;
    private final Duration pollInterval;
    private final Map<String, String> zoneIds = new ConcurrentHashMap<>();

    Route53Provider(String name, Route53Api api, ProviderCalls calls, Duration changeTimeout, Duration pollInterval) {
        this.name = name;
        this.api = api;
        this.calls = calls;
        this.changeTimeout = changeTimeout;
        this.pollInterval = pollInterval;
    }

    public static Route53Provider create(String name, URI baseUrl, SigV4Signer signer, Duration timeout, ProviderCalls calls,
            Duration changeTimeout, Duration pollInterval) {
        Route53Api api = QuarkusRestClientBuilder.newBuilder()
                .baseUri(baseUrl)
                .connectTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .disableDefaultMapper(true)
                .register(new SigV4Filter(signer, Clock.systemUTC()))
                .build(Route53Api.class);
        return new Route53Provider(name, api, calls, changeTimeout, pollInterval);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "route53";
    }

    @Override
    public boolean compareAndSet() {
        return true;
    }

    @Override
    public boolean updatesWholeSet() {
        return true;
    }

    @Override
    public List<DnsRecord> list(String zone, String fqdn, RecordType type) {
        String zoneId = zoneId(zone);
        Document doc = calls.run("list record sets", () -> call("list record sets",
                () -> api.listRecordSets(zoneId, fqdn + ".", type.name(), "1")));
        List<DnsRecord> out = new ArrayList<>();
        // the listing starts AT name/type and continues in order; keep only the exact set
        for (Element set : children(doc.getDocumentElement(), "ResourceRecordSet")) {
            String setName = stripDot(text(set, "Name"));
            if (!setName.equalsIgnoreCase(fqdn) || !type.name().equals(text(set, "Type"))) {
                continue;
            }
            if (!children(set, "AliasTarget").isEmpty()) {
                throw ProviderException.rejected(fqdn + " " + type + " is a Route 53 alias record; Baton switches plain records only");
            }
            int ttl = Integer.parseInt(text(set, "TTL"));
            for (Element rr : children(set, "ResourceRecord")) {
                out.add(new DnsRecord(null, fqdn, type, text(rr, "Value"), ttl, null));
            }
        }
        return out;
    }

    @Override
    public ChangeResult apply(RecordChange change) {
        String zoneId = zoneId(change.zone());
        List<String> values = new ArrayList<>();
        for (DnsRecord r : change.currentSet()) {
            values.add(r == change.before() || r.value().equals(change.before().value()) ? change.after().value() : r.value());
        }
        List<String> was = change.currentSet().stream().map(DnsRecord::value).toList();
        int wasTtl = change.currentSet().isEmpty() ? change.after().ttl() : change.currentSet().get(0).ttl();
        String xml = changeBatch(change.after().name(), change.after().type(), wasTtl, was, change.after().ttl(), values, change.comment());
        Document submitted = calls.run("change record sets", () -> call("change record sets",
                () -> api.changeRecordSets(zoneId, xml)));
        String changeId = stripPrefix(text(submitted.getDocumentElement(), "Id"), "/change/");
        awaitInSync(changeId);
        return new ChangeResult(changeId, change.after());
    }

    private void awaitInSync(String changeId) {
        Instant deadline = Instant.now().plus(changeTimeout);
        while (true) {
            Document doc = calls.run("get change", () -> call("get change", () -> api.getChange(changeId)));
            String status = text(doc.getDocumentElement(), "Status");
            if ("INSYNC".equals(status)) {
                return;
            }
            if (!Instant.now().plus(pollInterval).isBefore(deadline)) {
                throw new ProviderException(ProviderException.Kind.UNAVAILABLE, "Route 53 change " + changeId
                        + " was accepted but is still " + status + " after " + changeTimeout.toSeconds() + " s", null, false, null);
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProviderException.transientFailure("interrupted while waiting for change " + changeId, e);
            }
        }
    }

    private String zoneId(String zone) {
        String cached = zoneIds.get(zone);
        if (cached != null) {
            return cached;
        }
        Document doc = calls.run("look up hosted zone", () -> call("look up hosted zone",
                () -> api.hostedZonesByName(zone + ".", "1")));
        for (Element hz : children(doc.getDocumentElement(), "HostedZone")) {
            if (stripDot(text(hz, "Name")).equalsIgnoreCase(zone)) {
                String id = stripPrefix(text(hz, "Id"), "/hostedzone/");
                zoneIds.put(zone, id);
                return id;
            }
        }
        throw ProviderException.rejected("Route 53 account " + name + " has no hosted zone " + zone);
    }

    /**
     * DELETE the set as it was ({@code wasTtl}, {@code was}; nothing when it was empty) and CREATE it as it will be,
     * in one batch: Route 53 applies both or neither.
     */
    static String changeBatch(String fqdn, RecordType type, int wasTtl, List<String> was, int ttl, List<String> values, String comment) {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<ChangeResourceRecordSetsRequest xmlns=\"").append(XMLNS).append("\"><ChangeBatch>")
                .append("<Comment>").append(escape(comment)).append("</Comment><Changes>");
        if (!was.isEmpty()) {
            recordSet(b, "DELETE", fqdn, type, wasTtl, was);
        }
        recordSet(b, "CREATE", fqdn, type, ttl, values);
        return b.append("</Changes></ChangeBatch></ChangeResourceRecordSetsRequest>").toString();
    }

    private static void recordSet(StringBuilder b, String action, String fqdn, RecordType type, int ttl, List<String> values) {
        b.append("<Change><Action>").append(action).append("</Action><ResourceRecordSet><Name>").append(escape(fqdn))
                .append(".</Name><Type>").append(type.name()).append("</Type><TTL>").append(ttl).append("</TTL><ResourceRecords>");
        for (String v : values) {
            String value = type == RecordType.TXT && !v.startsWith("\"") ? "\"" + v.replace("\"", "\\\"") + "\"" : v;
            b.append("<ResourceRecord><Value>").append(escape(value)).append("</Value></ResourceRecord>");
        }
        b.append("</ResourceRecords></ResourceRecordSet></Change>");
    }

    private Document call(String what, Supplier<Response> exchange) {
        try (Response response = HttpFailures.exchange(what, exchange)) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            Document doc = parse(body);
            if (response.getStatus() / 100 == 2 && doc != null) {
                return doc;
            }
            // <ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>
            String code = doc == null ? "" : text(doc.getDocumentElement(), "Code");
            String message = doc == null ? "" : text(doc.getDocumentElement(), "Message");
            String detail = (code + " " + message).trim();
            if (RETRYABLE.contains(code)) {
                throw ProviderException.transientFailure("Route 53 " + what + ": " + detail, null);
            }
            if ("InvalidChangeBatch".equals(code)) {
                throw ProviderException.conflict("Route 53 refused the compare-and-set (" + detail + ")");
            }
            throw HttpFailures.forStatus("Route 53 " + what, response.getStatus(), detail, null, null);
        }
    }

    static Document parse(String xml) {
        if (xml == null || xml.isBlank()) {
            return null;
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setExpandEntityReferences(false);
            return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            return null;
        }
    }

    private static List<Element> children(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        List<Element> out = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i).getNodeType() == Node.ELEMENT_NODE) {
                out.add((Element) nodes.item(i));
            }
        }
        return out;
    }

    private static String text(Element root, String tag) {
        NodeList nodes = root.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? "" : nodes.item(0).getTextContent().trim();
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    private static String stripPrefix(String s, String prefix) {
        return s.startsWith(prefix) ? s.substring(prefix.length()) : s;
    }

    private static String escape(String s) {
        if (s == null) {
            return "";
        }
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
