package dev.baton.coordinator.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.common.wire.SyncRequest;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Asks state-sync for a final epoch-fenced pull, and how fresh each site's copy is. */
@ApplicationScoped
public class StateSyncClient {
    private final StateSyncApi api;
    private final String authorization;

    StateSyncClient(@RestClient StateSyncApi api, CoordinatorConfig config) {
        this.api = api;
        this.authorization = config.clients().stateSync().token().map(t -> "Bearer " + t).orElse(null);
    }

    /** One sync cycle {@code from -> to}; state-sync refuses (4xx, not retried) a stale epoch or term. */
    @Timeout(value = 120, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, abortOn = ServiceCallFailed.Refused.class)
    public JsonNode sync(String from, String to, long epoch, long term) {
        try {
            return api.sync(authorization, new SyncRequest(from, to, epoch, term));
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("state-sync", e);
        }
    }

    /** The site state-sync currently replicates from and the epoch it follows; empty when none is set. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 300, abortOn = ServiceCallFailed.Refused.class)
    public Optional<ActiveSite> active() {
        JsonNode a;
        try {
            a = api.active();
        } catch (RuntimeException e) {
            ServiceCallFailed failed = ServiceCallFailed.from("state-sync", e);
            if (failed.refused()) {
                return Optional.empty(); // 404: no active site set
            }
            throw failed;
        }
        return a == null || !a.hasNonNull("site") ? Optional.empty()
                : Optional.of(new ActiveSite(a.get("site").asText(), a.path("epoch").asLong(), a.path("term").asLong()));
    }

    /**
     * Makes {@code site} the source of replication from {@code epoch} on, so continuous replication
     * follows the active site. A 4xx (an epoch older than state-sync's) is not retried.
     */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 300, abortOn = ServiceCallFailed.Refused.class)
    public void setActive(String site, long epoch, long term) {
        try {
            api.setActive(authorization, new ActiveSite(site, epoch, term));
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("state-sync", e);
        }
    }

    /** When {@code target}'s copy was last brought up to date, if state-sync knows. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 300, abortOn = ServiceCallFailed.Refused.class)
    public Optional<Instant> lastSuccess(String target) {
        JsonNode status;
        try {
            status = api.status();
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("state-sync", e);
        }
        return lastSuccessIn(status, target);
    }

    /**
     * Reads {@code lastSuccessAt} for {@code target} from the status document: a list of target entries,
     * an object with a {@code targets} list or map, or a single entry.
     */
    static Optional<Instant> lastSuccessIn(JsonNode status, String target) {
        if (status == null) {
            return Optional.empty();
        }
        JsonNode targets = status.has("targets") ? status.get("targets") : status;
        if (targets.isArray()) {
            for (JsonNode t : targets) {
                if (target.equals(t.path("target").asText())) {
                    return instant(t.get("lastSuccessAt"));
                }
            }
            return Optional.empty();
        }
        if (targets.has(target) && targets.get(target).isObject()) {
            return instant(targets.get(target).get("lastSuccessAt"));
        }
        if (!targets.has("target") || target.equals(targets.path("target").asText())) {
            return instant(targets.get("lastSuccessAt"));
        }
        return Optional.empty();
    }

    private static Optional<Instant> instant(JsonNode n) {
        if (n == null || n.isNull() || !n.isTextual()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(n.asText()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
