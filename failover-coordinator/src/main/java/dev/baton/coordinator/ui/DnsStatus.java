package dev.baton.coordinator.ui;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.coordinator.client.DnsManagerClient;
import dev.baton.coordinator.client.ServiceCallFailed;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The switched DNS record as dns-manager sees it: its value at the provider, which site that is, and whether
 * every authoritative nameserver already answers the active site's value. Asked in the background at most every
 * {@link #REFRESH} (and at once when the active site changes), so a slow or absent dns-manager never holds up the
 * page: the page shows the last answer with its age, or "unknown".
 */
@ApplicationScoped
public class DnsStatus {
    static final Duration REFRESH = Duration.ofSeconds(15);
    private static final int MAX_PROBLEM = 160;

    private final DnsManagerClient dns;
    private final Optional<String> zone;
    private final Optional<String> name;
    private final String type;
    /** The value the record takes when a site is active, by site name. */
    private final Map<String, String> siteValues = new TreeMap<>();
    private final Clock clock;
    private final BackgroundRefresh refresh;
    /** The active site's value, which the next refresh checks propagation against. */
    private volatile String wanted;
    private volatile Answer last;
    /** Bumped by {@link #forget()}, so an answer asked for before it is not kept after it. */
    private final AtomicInteger generation = new AtomicInteger();

    public DnsStatus(DnsManagerClient dns, CoordinatorConfig config, Clock clock) {
        this.dns = dns;
        this.zone = config.dns().zone();
        this.name = config.dns().name();
        this.type = config.dns().type();
        config.sites().forEach((site, s) -> s.dnsValue().ifPresent(v -> siteValues.put(site, v)));
        this.clock = clock;
        this.refresh = new BackgroundRefresh(REFRESH, clock, this::ask);
    }

    /** What dns-manager last answered; a null list or flag means it could not say. */
    record Answer(Instant at, String expected, List<String> values, Integer ttl, String recordProblem, Boolean complete,
            List<Dashboard.NameserverRow> nameservers, String propagationProblem) {
    }

    /** The row for the page, or null when no record is configured (no DNS step). Never waits for dns-manager. */
    Dashboard.DnsRow row(String activeSite, Instant now) {
        if (zone.isEmpty() || name.isEmpty()) {
            return null;
        }
        String expected = valueOf(activeSite);
        wanted = expected;
        Answer a = last;
        refresh.poke(now, a == null || !Objects.equals(a.expected(), expected));
        if (a == null) {
            return new Dashboard.DnsRow(name.get(), type, null, null, null, expected, null, "unknown", null, List.of(), null, null,
                    "not asked yet");
        }
        Boolean atActive = a.values() == null || expected == null ? null : a.values().size() == 1 && same(a.values().get(0), expected);
        String pointsTo = a.values() == null ? null : a.values().isEmpty() ? "no such record at the provider" : a.values().stream()
                .map(v -> siteOf(v).map(site -> v + " (" + site + ")").orElse(v + " (no site)")).collect(Collectors.joining(", "));
        boolean sameQuestion = Objects.equals(a.expected(), expected);
        String propagation = !sameQuestion || a.complete() == null ? "unknown" : a.complete() ? "complete" : "incomplete";
        String detail = !sameQuestion ? "checking against the new active site's value" : propagationDetail(a, expected);
        String problem = a.recordProblem() != null ? a.recordProblem() : a.propagationProblem();
        return new Dashboard.DnsRow(name.get(), type, a.values(), a.ttl(), pointsTo, expected, atActive, propagation, detail,
                sameQuestion ? a.nameservers() : List.of(), a.at(), Math.max(0, Duration.between(a.at(), now).toSeconds()), problem);
    }

    /** Forgets the last answer, so the next page asks afresh (tests, like {@code VerdictBook.clear}). */
    void forget() {
        generation.incrementAndGet();
        last = null;
    }

    private String valueOf(String site) {
        return site == null ? null : siteValues.get(site);
    }

    private Optional<String> siteOf(String value) {
        return siteValues.entrySet().stream().filter(e -> same(e.getValue(), value)).map(Map.Entry::getKey).findFirst();
    }

    /** Providers may spell a name with or without the final dot and in any case ({@code Target.Example.net.}). */
    static boolean same(String a, String b) {
        return strip(a).equalsIgnoreCase(strip(b));
    }

    private static String strip(String v) {
        return v.endsWith(".") ? v.substring(0, v.length() - 1) : v;
    }

    private static String propagationDetail(Answer a, String expected) {
        if (expected == null) {
            return "the active site has no dns-value configured";
        }
        if (a.complete() == null) {
            return null;
        }
        long agree = a.nameservers().stream().filter(Dashboard.NameserverRow::matches).count();
        return agree + " of " + a.nameservers().size() + " authoritative nameservers answer " + expected;
    }

    private void ask() {
        int asked = generation.get();
        String expected = wanted;
        List<String> values = null;
        Integer ttl = null;
        String recordProblem = null;
        try {
            JsonNode records = dns.records(zone.get(), name.get(), type).path("records");
            values = new ArrayList<>();
            for (JsonNode r : records) {
                values.add(r.path("value").asText());
                ttl = r.hasNonNull("ttl") ? r.get("ttl").asInt() : ttl;
            }
        } catch (RuntimeException e) {
            recordProblem = problem(e);
        }
        Boolean complete = null;
        List<Dashboard.NameserverRow> nameservers = List.of();
        String propagationProblem = null;
        if (expected != null) {
            try {
                JsonNode report = dns.propagationNow(name.get(), type, expected);
                complete = report.path("complete").asBoolean(false);
                nameservers = nameservers(report.path("nameservers"));
            } catch (RuntimeException e) {
                propagationProblem = problem(e);
            }
        }
        if (generation.get() == asked) {
            last = new Answer(clock.instant(), expected, values, ttl, recordProblem, complete, nameservers, propagationProblem);
        }
    }

    private static List<Dashboard.NameserverRow> nameservers(JsonNode list) {
        List<Dashboard.NameserverRow> rows = new ArrayList<>();
        for (JsonNode n : list) {
            List<String> answers = new ArrayList<>();
            n.path("answers").forEach(v -> answers.add(v.asText()));
            String server = n.hasNonNull("host") ? n.get("host").asText() + " (" + n.path("server").asText() + ")" : n.path("server").asText();
            rows.add(new Dashboard.NameserverRow(server, answers.isEmpty() ? "no answer" : String.join(", ", answers),
                    n.path("matches").asBoolean(false), n.hasNonNull("error") ? n.get("error").asText() : null));
        }
        return List.copyOf(rows);
    }

    /** A refusal says what dns-manager answered; anything else (refused connection, timeout) is "not answering". */
    private static String problem(RuntimeException e) {
        if (e instanceof ServiceCallFailed f && f.refused()) {
            String m = f.getMessage();
            return m.length() > MAX_PROBLEM ? m.substring(0, MAX_PROBLEM) + "…" : m;
        }
        return "dns-manager not answering";
    }
}
