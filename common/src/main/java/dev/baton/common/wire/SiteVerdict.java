package dev.baton.common.wire;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/** One observer's verdict on one site: DOWN if any critical check is DOWN, UP if all are UP. */
public record SiteVerdict(
        @NotNull HealthStatus status,
        Instant since,
        @NotNull @Size(max = 500) List<@Valid @NotNull CheckResult> checks) {

    public SiteVerdict {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
