package dev.baton.common.wire;

import jakarta.validation.constraints.Future;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** Turn automatic failover off until {@code until} (or until unfrozen when null). */
public record FreezeRequest(
        @NotBlank @Size(max = 500) String reason,
        @Future Instant until) {
}
