package dev.baton.common.wire;

import java.time.Instant;

/** How current one sync target is: state-sync {@code GET /api/v1/status}, one entry per target. */
public record SyncTargetStatus(
        String target,
        Instant lastSuccessAt,
        Double lagSeconds,
        long bytes,
        int files,
        String lastError) {
}
