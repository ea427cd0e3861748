package dev.baton.statesync.client;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Severity;
import dev.baton.statesync.config.SyncConfig;
import io.smallrye.faulttolerance.api.ExponentialBackoff;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.faulttolerance.Asynchronous;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * Sends state-sync's alerts (refused cycles) to the notifier, off the replication thread, with a
 * timeout and retries. Without {@code baton.sync.alerts.url} it does nothing.
 */
@ApplicationScoped
public class NotifierClient {
    private static final Logger LOG = Logger.getLogger(NotifierClient.class);

    private final NotifierApi api;
    private final SyncConfig config;

    NotifierClient(@RestClient NotifierApi api, SyncConfig config) {
        this.api = api;
        this.config = config;
    }

    public boolean enabled() {
        return config.alerts().url().isPresent();
    }

    /** A refused cycle to {@code target}: critical, deduplicated per target and reason. */
    public AlertRequest refusal(String target, String reason, String detail) {
        return new AlertRequest(Severity.CRITICAL, "state-sync refused a cycle to " + target, detail,
                "state-sync/" + target + "/" + reason, "state-sync", Map.of("target", target, "reason", reason), false);
    }

    @Asynchronous
    @Timeout(5000)
    @Retry(maxRetries = 4, delay = 500, maxDuration = 60, durationUnit = ChronoUnit.SECONDS)
    @ExponentialBackoff(maxDelay = 10, maxDelayUnit = ChronoUnit.SECONDS)
    public CompletionStage<Void> send(AlertRequest alert) {
        api.send("Bearer " + config.alerts().token().orElse(""), alert);
        return CompletableFuture.completedFuture(null);
    }

    /** Fire and forget: the outcome is logged, never thrown at the caller. */
    public void alert(AlertRequest alert) {
        if (!enabled()) {
            return;
        }
        send(alert).whenComplete((ok, failure) -> {
            if (failure != null) {
                LOG.warnf("could not deliver alert %s to the notifier: %s", alert.dedupKey(), failure.toString());
            }
        });
    }
}
