package dev.baton.common.wire;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Operator-requested failover. {@code force} skips cooldown and the daily cap, never fencing. */
public record FailoverRequest(
        @NotBlank @Size(max = 500) String reason,
        boolean dryRun,
        boolean force) {
}
