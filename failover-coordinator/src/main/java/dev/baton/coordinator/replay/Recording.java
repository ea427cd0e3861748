package dev.baton.coordinator.replay;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.baton.common.wire.CheckResult;
import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.SiteVerdict;
import dev.baton.common.wire.VerdictReport;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The verdict recording's format (issue #19), version {@value #VERSION}: JSON lines, times in epoch milliseconds.
 * The first line of a recording (and of each segment on disk) is its header; then, in the order the coordinator
 * saw them:
 *
 * <pre>
 * {"schema":"baton-verdicts","version":1,"coordinator":"coordinator-standby","primary":"primary","standby":"standby","observers":"primary-side,standby,witness"}
 * {"t":"v","r":1765000000500,"o":"witness","a":1765000000480,"s":{"primary":{"st":"DOWN","since":1765000000000,"c":{"engine":"DOWN"}}}}
 * {"t":"s","at":1765000003000,"state":"FAILING_OVER","active":"primary"}
 * {"t":"d","at":1765000003000,"action":"PROCEED","from":"primary","to":"standby","summary":"PROCEED primary -> standby: all conditions hold"}
 * {"t":"l","from":1765000000000,"to":1765000030000,"site":"primary","due":true,"note":"kill(engine)"}
 * </pre>
 *
 * {@code v}: a verdict report as received ({@code r}: received at, {@code o}: observer, {@code a}: observed at, per
 * site its status, {@code since} and each check's status); {@code s}: the coordinator's state changed; {@code d}: the
 * live policy's decision changed (or it proceeded); {@code l}: ground truth, a label — from {@code from} to {@code to}
 * the site had a fault that made a failover due ({@code due: true}) or one that must not cause one ({@code due:
 * false}). The drill and the chaos campaign write labels for the faults they inject; {@code baton label} adds them
 * to a production recording.
 */
public final class Recording {
    public static final String SCHEMA = "baton-verdicts";
    public static final int VERSION = 1;
    private static final JsonFactory JSON = new JsonFactory();

    private Recording() {
    }

    /** One line of a recording after its header. */
    public sealed interface Entry permits Verdict, State, DecisionMade, Label, Restart {
        /** When it happened on the coordinator's clock (a verdict: when it was received). */
        long at();
    }

    /** A verdict report as the coordinator received it. */
    public record Verdict(long at, VerdictReport report) implements Entry {
    }

    /** The coordinator's state after a change. */
    public record State(long at, FailoverState state, String active) implements Entry {
    }

    /** The live policy's decision, when it changed or proceeded. */
    public record DecisionMade(long at, String action, String from, String to, String summary) implements Entry {
    }

    /** Ground truth: a fault on {@code site} from {@code at} to {@code to} (0: still going when recorded). */
    public record Label(long at, long to, String site, boolean due, String note) implements Entry {
    }

    /**
     * A header again, after the first line: the coordinator restarted here (a recording made of several of its
     * segments keeps a later segment's header where it differs from the one before), and from here on decided with
     * this header's settings. {@code at}: the time of the entry before it.
     */
    public record Restart(long at, Header header) implements Entry {
    }

    /**
     * The first line: which coordinator recorded it, which site is the primary and which the standby, the observers
     * whose verdicts it counted, and the policy settings it decided with ({@link Candidate}'s keys; empty in a
     * recording made by hand: a replay then starts from the coordinator's defaults).
     */
    public record Header(int version, String coordinator, String primary, String standby, java.util.Set<String> observers,
            Map<String, String> settings) {
        public Header {
            observers = java.util.Set.copyOf(observers);
            settings = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(settings));
        }

        public Header(int version, String coordinator, String primary, String standby, java.util.Set<String> observers) {
            this(version, coordinator, primary, standby, observers, Map.of());
        }
    }

    public static String header(Header h) {
        return write(g -> {
            g.writeStringField("schema", SCHEMA);
            g.writeNumberField("version", h.version());
            g.writeStringField("coordinator", h.coordinator());
            g.writeStringField("primary", h.primary());
            g.writeStringField("standby", h.standby());
            g.writeStringField("observers", String.join(",", new java.util.TreeSet<>(h.observers())));
            if (!h.settings().isEmpty()) {
                g.writeObjectFieldStart("settings");
                for (Map.Entry<String, String> s : h.settings().entrySet()) {
                    g.writeStringField(s.getKey(), s.getValue());
                }
                g.writeEndObject();
            }
        });
    }

    /** One entry as its line (no newline). */
    public static String line(Entry e) {
        if (e instanceof Restart r) {
            return header(r.header());
        }
        return write(g -> {
            if (e instanceof Verdict v) {
                g.writeStringField("t", "v");
                g.writeNumberField("r", v.at());
                g.writeStringField("o", v.report().observer());
                g.writeNumberField("a", v.report().observedAt().toEpochMilli());
                g.writeObjectFieldStart("s");
                for (Map.Entry<String, SiteVerdict> site : v.report().sites().entrySet()) {
                    g.writeObjectFieldStart(site.getKey());
                    g.writeStringField("st", site.getValue().status().name());
                    if (site.getValue().since() != null) {
                        g.writeNumberField("since", site.getValue().since().toEpochMilli());
                    }
                    g.writeObjectFieldStart("c");
                    for (CheckResult c : site.getValue().checks()) {
                        g.writeStringField(c.name(), c.status().name());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndObject();
            } else if (e instanceof State s) {
                g.writeStringField("t", "s");
                g.writeNumberField("at", s.at());
                g.writeStringField("state", s.state().name());
                g.writeStringField("active", s.active());
            } else if (e instanceof DecisionMade d) {
                g.writeStringField("t", "d");
                g.writeNumberField("at", d.at());
                g.writeStringField("action", d.action());
                g.writeStringField("from", d.from());
                g.writeStringField("to", d.to());
                g.writeStringField("summary", d.summary());
            } else if (e instanceof Label l) {
                g.writeStringField("t", "l");
                g.writeNumberField("from", l.at());
                if (l.to() > 0) {
                    g.writeNumberField("to", l.to());
                }
                g.writeStringField("site", l.site());
                g.writeBooleanField("due", l.due());
                if (l.note() != null) {
                    g.writeStringField("note", l.note());
                }
            }
        });
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static String write(Fields fields) {
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A line that is not what this version of the format says; the reader adds its number. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message);
        }
    }

    /** Whether {@code line} is a header (the first line, or a {@link Restart}). */
    static boolean isHeader(String line) {
        return line.startsWith("{\"schema\"");
    }

    static Header parseHeader(String line) throws Malformed {
        Map<String, Object> f = fields(line);
        if (!SCHEMA.equals(f.get("schema"))) {
            throw new Malformed("not a Baton verdict recording: the first line must be its header {\"schema\":\"" + SCHEMA + "\",...}");
        }
        Object version = f.get("version");
        if (!(version instanceof Long v) || v != VERSION) {
            throw new Malformed("schema version " + version + " is not supported (this Baton reads version " + VERSION + ")");
        }
        java.util.Set<String> observers = new java.util.TreeSet<>();
        for (String o : text(f, "observers", true).split(",")) {
            if (!o.isBlank()) {
                observers.add(o.trim());
            }
        }
        if (observers.isEmpty()) {
            throw new Malformed("the header names no observer");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        if (f.get("settings") instanceof Map<?, ?> m) {
            m.forEach((k, value) -> settings.put(k.toString(), value.toString()));
        }
        return new Header(VERSION, text(f, "coordinator", false), text(f, "primary", true), text(f, "standby", true), observers, settings);
    }

    /** One entry line, parsed; {@link IllegalArgumentException} with the reason when it is not one. */
    public static Entry entry(String line) {
        try {
            return parse(line);
        } catch (Malformed e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    /** Parses one entry line. Streaming (no tree): a month of verdicts is parsed here line by line. */
    static Entry parse(String line) throws Malformed {
        return parse(line, null);
    }

    /**
     * As {@link #parse(String)}; {@code knownSites}: a verdict's sites already parsed from the same text (see
     * {@link RecordingReader}), used instead of building them again.
     */
    static Entry parse(String line, Map<String, SiteVerdict> knownSites) throws Malformed {
        int sitesAt = knownSites == null ? -1 : line.indexOf(",\"s\":{");
        // the sites known: only the fields before them are parsed
        String parsed = sitesAt < 0 ? line : line.substring(0, sitesAt) + "}";
        try (JsonParser p = JSON.createParser(parsed)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("not a JSON object");
            }
            String t = null;
            long r = -1;
            long a = -1;
            long at = -1;
            long from = -1;
            long to = 0;
            String observer = null;
            Map<String, SiteVerdict> sites = null;
            Map<String, String> text = new LinkedHashMap<>();
            Boolean due = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "t" -> t = p.getValueAsString();
                    case "r" -> r = number(p, v, name);
                    case "a" -> a = number(p, v, name);
                    case "at" -> at = number(p, v, name);
                    case "from" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            text.put(name, p.getText());
                        } else {
                            from = number(p, v, name);
                        }
                    }
                    case "to" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            text.put(name, p.getText());
                        } else {
                            to = number(p, v, name);
                        }
                    }
                    case "o" -> observer = p.getValueAsString();
                    case "s" -> sites = sites(p, v);
                    case "due" -> due = v == JsonToken.VALUE_TRUE;
                    default -> {
                        if (v.isScalarValue()) {
                            text.put(name, p.getValueAsString());
                        } else {
                            p.skipChildren();
                        }
                    }
                }
            }
            if (t == null) {
                throw new Malformed("no \"t\" (entry type)");
            }
            if (sitesAt >= 0) {
                sites = knownSites;
            }
            return switch (t) {
                case "v" -> {
                    if (r < 0 || a < 0 || observer == null || sites == null) {
                        throw new Malformed("a verdict needs \"r\", \"o\", \"a\" and \"s\"");
                    }
                    yield new Verdict(r, new VerdictReport(observer, Instant.ofEpochMilli(a), sites));
                }
                case "s" -> {
                    if (at < 0 || !text.containsKey("state") || !text.containsKey("active")) {
                        throw new Malformed("a state entry needs \"at\", \"state\" and \"active\"");
                    }
                    yield new State(at, state(text.get("state")), text.get("active"));
                }
                case "d" -> {
                    if (at < 0 || !text.containsKey("action")) {
                        throw new Malformed("a decision entry needs \"at\" and \"action\"");
                    }
                    yield new DecisionMade(at, text.get("action"), text.get("from"), text.get("to"), text.get("summary"));
                }
                case "l" -> {
                    if (from < 0 || !text.containsKey("site") || due == null) {
                        throw new Malformed("a label needs \"from\", \"site\" and \"due\"");
                    }
                    yield new Label(from, to, text.get("site"), due, text.get("note"));
                }
                default -> throw new Malformed("unknown entry type \"" + t + "\"");
            };
        } catch (IOException e) {
            throw new Malformed("not JSON (" + e.getMessage() + ")");
        }
    }

    private static Map<String, SiteVerdict> sites(JsonParser p, JsonToken start) throws IOException, Malformed {
        if (start != JsonToken.START_OBJECT) {
            throw new Malformed("\"s\" must be an object of sites");
        }
        Map<String, SiteVerdict> sites = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String site = p.currentName();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("site \"" + site + "\" must be an object");
            }
            HealthStatus status = null;
            Instant since = null;
            List<CheckResult> checks = new ArrayList<>();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "st" -> status = status(p.getText());
                    case "since" -> since = v == JsonToken.VALUE_NULL ? null : Instant.ofEpochMilli(number(p, v, "since"));
                    case "c" -> {
                        if (v != JsonToken.START_OBJECT) {
                            throw new Malformed("\"c\" of site \"" + site + "\" must be an object of checks");
                        }
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String check = p.currentName();
                            p.nextToken();
                            checks.add(new CheckResult(check, "recorded", null, status(p.getText()), 0, 0, null, null, null));
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (status == null) {
                throw new Malformed("site \"" + site + "\" has no \"st\"");
            }
            sites.put(site, new SiteVerdict(status, since, checks));
        }
        return sites;
    }

    private static long number(JsonParser p, JsonToken v, String name) throws IOException, Malformed {
        if (v != JsonToken.VALUE_NUMBER_INT) {
            throw new Malformed("\"" + name + "\" must be epoch milliseconds");
        }
        return p.getLongValue();
    }

    private static HealthStatus status(String s) throws Malformed {
        try {
            return HealthStatus.valueOf(s);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new Malformed("unknown health status \"" + s + "\"");
        }
    }

    private static FailoverState state(String s) throws Malformed {
        try {
            return FailoverState.valueOf(s);
        } catch (IllegalArgumentException e) {
            throw new Malformed("unknown state \"" + s + "\"");
        }
    }

    private static Map<String, Object> fields(String line) throws Malformed {
        Map<String, Object> f = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new Malformed("not a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (v == JsonToken.VALUE_NUMBER_INT) {
                    f.put(name, p.getLongValue());
                } else if (v.isScalarValue()) {
                    f.put(name, p.getValueAsString());
                } else if (v == JsonToken.START_OBJECT) {
                    // one level of text values (the header's settings); anything deeper is not the header's
                    Map<String, String> inner = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String key = p.currentName();
                        if (!p.nextToken().isScalarValue()) {
                            throw new Malformed("\"" + name + "\"." + key + " must be a text value");
                        }
                        inner.put(key, p.getValueAsString());
                    }
                    f.put(name, inner);
                } else {
                    p.skipChildren();
                }
            }
        } catch (IOException e) {
            throw new Malformed("not JSON (" + e.getMessage() + ")");
        }
        return f;
    }

    private static String text(Map<String, Object> f, String name, boolean required) throws Malformed {
        Object v = f.get(name);
        if (v == null && required) {
            throw new Malformed("the header has no \"" + name + "\"");
        }
        return v == null ? null : v.toString();
    }
}
