package dev.baton.dns.propagation;

import java.time.Instant;
import java.util.List;

/**
 * Whether every authoritative nameserver answers {@code expected}. {@code complete} is the one bit a caller
 * acts on; {@code timedOut} says the wait ended at its deadline rather than on agreement.
 */
public record PropagationReport(
        String name,
        String type,
        String expected,
        String zone,
        boolean complete,
        boolean timedOut,
        int rounds,
        long elapsedMs,
        Instant checkedAt,
        List<ServerAnswer> nameservers,
        List<ServerAnswer> resolvers) {
}
