package dev.baton.dns.provider;

import java.util.List;

/**
 * Replace {@code before} (one record of {@code currentSet}, as just listed) by {@code after}. Providers
 * that hold whole record sets (Route 53, RFC 2136) rewrite the set; the others update the one record.
 */
public record RecordChange(String zone, DnsRecord before, DnsRecord after, List<DnsRecord> currentSet, String comment) {

    public RecordChange {
        currentSet = List.copyOf(currentSet);
    }
}
