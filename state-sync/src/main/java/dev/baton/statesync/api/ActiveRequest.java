package dev.baton.statesync.api;

import dev.baton.common.wire.Names;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * {@code PUT /api/v1/active}: the coordinator names the active site of an epoch, with its leadership term ({@code term}
 * absent or 0 from a coordinator that does not send one).
 */
public record ActiveRequest(
        @NotBlank @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String site,
        @PositiveOrZero long epoch,
        @PositiveOrZero long term) {
}
