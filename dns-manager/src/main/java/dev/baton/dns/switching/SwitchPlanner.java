package dev.baton.dns.switching;

import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.RecordType;
import java.util.List;

/** The compare-and-set decision, pure: given what the provider holds now, what (if anything) to change. */
public final class SwitchPlanner {

    private SwitchPlanner() {
    }

    /** What to do about one switch request. */
    public sealed interface Plan permits Change, AlreadyDone, Conflict {
    }

    /** Replace {@code before} (whose value is {@code from}) by {@code after}. */
    public record Change(DnsRecord before, DnsRecord after) implements Plan {
    }

    /** The record already holds {@code to}: succeed without touching anything (this is what makes retries safe). */
    public record AlreadyDone(DnsRecord current) implements Plan {
    }

    /** The record is neither {@code from} nor {@code to} (or missing): refuse, and say what it is. */
    public record Conflict(List<DnsRecord> current) implements Plan {
    }

    /**
     * @param current the records of the requested name and type, as just listed
     * @param ttl     the TTL to set, or null to keep the current one
     */
    public static Plan plan(List<DnsRecord> current, RecordType type, String from, String to, Integer ttl) {
        // from == to asks for no change: done if the record holds it, a conflict otherwise
        boolean noChange = type.sameValue(from, to);
        for (DnsRecord r : noChange ? List.<DnsRecord>of() : current) {
            if (type.sameValue(r.value(), from)) {
                return new Change(r, r.withValueAndTtl(to, ttl != null ? ttl : r.ttl()));
            }
        }
        for (DnsRecord r : current) {
            if (type.sameValue(r.value(), to)) {
                return new AlreadyDone(r);
            }
        }
        return new Conflict(current);
    }

    /** Records whose TTL is above {@code ttl}, each lowered to it, value unchanged (the "prepare" step). */
    public static List<Change> lowerTtl(List<DnsRecord> current, int ttl) {
        return current.stream()
                .filter(r -> r.ttl() > ttl)
                .map(r -> new Change(r, r.withValueAndTtl(r.value(), ttl)))
                .toList();
    }
}
