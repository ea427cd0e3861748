package dev.baton.notifier.store;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.pipeline.Disposition;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One accepted alert as {@code GET /api/v1/alerts} shows it, with the state of each channel's delivery. */
public record AlertView(
        long id,
        String key,
        Severity severity,
        String title,
        String message,
        String source,
        Map<String, String> labels,
        boolean resolved,
        Instant receivedAt,
        Disposition disposition,
        String reason,
        List<DeliveryView> deliveries) {

    /** {@code state}: PENDING, DELIVERED or DEAD (dead-lettered, with {@code lastError} saying why). */
    public record DeliveryView(String channel, String state, int attempts, Instant nextAttemptAt, Instant deliveredAt,
            String lastError, String escalatedFrom) {
    }
}
