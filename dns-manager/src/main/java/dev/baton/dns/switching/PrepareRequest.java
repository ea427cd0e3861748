package dev.baton.dns.switching;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/** Lower a record's TTL ahead of a failover, so the switch itself propagates within {@code ttl} seconds. */
public record PrepareRequest(
        @NotBlank @Size(max = 253) String zone,
        @NotBlank @Size(max = 253) String name,
        @NotBlank @Pattern(regexp = "A|AAAA|CNAME|TXT", message = "must be one of A, AAAA, CNAME, TXT") String type,
        @Positive @Max(86_400) Integer ttl,
        boolean dryRun) {

    /** TTL used when the request names none: one minute, low enough for failover, kind to resolvers. */
    public static final int DEFAULT_TTL = 60;
}
