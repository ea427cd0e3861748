package dev.baton.dns.switching;

import java.time.Instant;
import java.util.List;

/**
 * The answer to a switch: {@code CHANGED}, {@code ALREADY_DONE} (the record already held {@code to}) or
 * {@code DRY_RUN} (the exact change that would be made; nothing was touched).
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
        List<String> notes) {

    /** One record as shown to callers (never carries provider credentials). */
    public record RecordView(String value, int ttl, Boolean proxied, String id) {
    }
}
