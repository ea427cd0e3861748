package dev.baton.dns.audit;

import java.time.Instant;

/**
 * One audited change attempt: who asked, when, what the record was and became, and the provider's id for it.
 * {@code outcome} is CHANGED, FAILED or REFUSED (compare-and-set); {@code detail} says why for the last two.
 */
public record AuditEntry(
        String id,
        Instant at,
        String who,
        String action,
        String outcome,
        String provider,
        String zone,
        String name,
        String type,
        String before,
        Integer beforeTtl,
        String after,
        Integer afterTtl,
        String providerResponseId,
        String detail) {
}
