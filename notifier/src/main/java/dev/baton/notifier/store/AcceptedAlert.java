package dev.baton.notifier.store;

import dev.baton.notifier.pipeline.Disposition;
import java.util.Set;

/** What {@code POST /api/v1/alerts} answers: the stored id and what will happen to the alert. */
public record AcceptedAlert(long id, Disposition disposition, String reason, Set<String> channels) {
}
