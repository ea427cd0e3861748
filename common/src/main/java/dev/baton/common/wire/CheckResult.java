package dev.baton.common.wire;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/** The current state of one check as one observer sees it (DESIGN.md section 6). */
public record CheckResult(
        @NotBlank @Size(max = 200) String name,
        @NotBlank @Size(max = 40) String type,
        @Size(max = 1000) String target,
        @NotNull HealthStatus status,
        @PositiveOrZero int consecutiveFailures,
        @PositiveOrZero int consecutiveSuccesses,
        @PositiveOrZero Long latencyMs,
        @Size(max = 2000) String lastError,
        Instant checkedAt) {
}
