package dev.baton.common.wire;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** Operator-requested failback to the recovered primary. */
public record FailbackRequest(
        @NotBlank @Size(max = 500) String reason,
        boolean dryRun) {
}
