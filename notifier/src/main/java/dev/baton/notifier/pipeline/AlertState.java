package dev.baton.notifier.pipeline;

import java.time.Instant;
import java.util.Map;

/** What the notifier remembers about one alert key: whether it is firing and when people last heard of it. */
public record AlertState(String key, boolean firing, Instant lastNotifiedAt, Map<String, String> labels) {
    public AlertState {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
