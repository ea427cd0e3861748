package dev.baton.common.wire;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;

/**
 * Compare-and-set DNS switch: change the record only if its value is {@code from};
 * succeed without change if it is already {@code to}; otherwise refuse (409).
 */
public record SwitchRequest(
        @NotBlank @Size(max = 253) String zone,
        @NotBlank @Size(max = 253) String name,
        @NotBlank @Pattern(regexp = "A|AAAA|CNAME|TXT", message = "must be one of A, AAAA, CNAME, TXT") String type,
        @NotBlank @Size(max = 255) String from,
        @NotBlank @Size(max = 255) String to,
        @Positive @Max(86_400) Integer ttl,
        boolean dryRun) {
}
