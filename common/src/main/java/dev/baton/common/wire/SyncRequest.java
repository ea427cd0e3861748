package dev.baton.common.wire;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;

/**
 * Ask state-sync for one cycle from the active site to a target, fenced by the epoch and the coordinator's leadership
 * term ({@code term} 0 = not sent: an older coordinator).
 */
public record SyncRequest(
        @NotBlank @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String from,
        @NotBlank @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String to,
        @PositiveOrZero long epoch,
        @PositiveOrZero long term) {
}
