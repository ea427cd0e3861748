package dev.baton.common.wire;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.Map;

/**
 * What one health-checker instance (an observer) sees of every site. Pushed to coordinators at
 * {@code POST /api/v1/verdicts} on every change and as a heartbeat; served at {@code GET /api/v1/verdicts}.
 */
public record VerdictReport(
        @NotBlank @Size(max = 100) @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String observer,
        @NotNull Instant observedAt,
        @NotNull @Size(max = 50) Map<@Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String, @Valid @NotNull SiteVerdict> sites) {

    public VerdictReport {
        sites = sites == null ? Map.of() : Map.copyOf(sites);
    }
}
