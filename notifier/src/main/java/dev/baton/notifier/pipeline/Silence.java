package dev.baton.notifier.pipeline;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** Mutes alerts whose labels (or severity/source) match, from {@code startsAt} until {@code endsAt}. */
public record Silence(UUID id, Map<String, String> matchers, Instant startsAt, Instant endsAt, String createdBy, String comment) {
    public Silence {
        matchers = Map.copyOf(matchers);
    }

    public boolean activeAt(Instant now) {
        return !now.isBefore(startsAt) && now.isBefore(endsAt);
    }

    public boolean mutes(Alert alert, Instant now) {
        return activeAt(now) && LabelMatcher.matches(matchers, alert.matchable());
    }
}
