package dev.baton.dns.switching;

import java.time.Instant;
import java.util.List;

/**
 * The answer to a switch: {@code CHANGED}, {@code ALREADY_DONE} (the record already held {@code to}) or
 * {@code DRY_RUN} (the exact change that would be made; nothing was touched). {@code cachesExpireAt} is when
 * the last resolver cache of the old value runs out (switch time + old TTL); pass it to the propagation check.
 */
public record SwitchOutcome(
        String outcome,
        String zone,
        String name,
        String type,
        String provider,
        RecordView before,
        RecordView after,
        String providerResponseId,
        String auditId,
        Instant at,
        Instant cachesExpireAt,
        List<String> notes) {

    /** One record as shown to callers (never carries provider credentials). */
    public record RecordView(String value, int ttl, Boolean proxied, String id) {
    }
}
