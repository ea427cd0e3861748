package dev.baton.dns.switching;

import java.time.Instant;
import java.util.List;

/**
 * The answer to a prepare: the highest TTL resolvers may still cache ({@code previousTtl}) and the instant
 * after which every cache has seen the lowered TTL ({@code safeToSwitchAt}).
 */
public record PrepareOutcome(
        String outcome,
        String zone,
        String name,
        String type,
        String provider,
        int previousTtl,
        int ttl,
        Instant safeToSwitchAt,
        List<String> providerResponseIds,
        String auditId) {
}
