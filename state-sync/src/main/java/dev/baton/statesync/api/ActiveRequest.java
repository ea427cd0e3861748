package dev.baton.statesync.api;

import dev.baton.common.wire.Names;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/** {@code PUT /api/v1/active}: the coordinator names the active site of an epoch. */
public record ActiveRequest(
        @NotBlank @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String site,
        @PositiveOrZero long epoch) {
}
