package dev.baton.statesync.api;

import dev.baton.common.wire.Names;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/** {@code POST /api/v1/snapshots/{id}/restore}: which site, under which epoch. */
public record RestoreRequest(
        @NotBlank @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String site,
        @PositiveOrZero long epoch) {
}
