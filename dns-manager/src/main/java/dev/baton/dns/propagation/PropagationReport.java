package dev.baton.dns.propagation;

import java.time.Instant;
import java.util.List;

/**
 * Whether every authoritative nameserver answers {@code expected}. {@code complete} is the one bit a caller
 * acts on; {@code timedOut} says the wait ended at its deadline rather than on agreement. {@code resolversAgree}
 * is about the configured recursive resolvers only and never decides {@code complete}.
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
        boolean resolversAgree,
        List<ServerAnswer> resolvers) {
}
