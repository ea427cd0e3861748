package dev.baton.coordinator.api;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;

/** {@code POST /api/v1/resolve}: why the operator considers the DEGRADED situation handled. */
public record ResolveRequest(@NotBlank @Size(max = 500) String reason) {
}
