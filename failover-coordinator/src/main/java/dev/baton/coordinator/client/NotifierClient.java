package dev.baton.coordinator.client;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Severity;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/** Sends alerts to the notifier, which answers 202 once the alert is durable. */
@ApplicationScoped
public class NotifierClient {
    private static final Logger LOG = Logger.getLogger(NotifierClient.class);
    private final NotifierApi api;
    private final String authorization;

    NotifierClient(@RestClient NotifierApi api, CoordinatorConfig config) {
        this.api = api;
        this.authorization = config.clients().notifier().token().map(t -> "Bearer " + t).orElse(null);
    }

    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 3, delay = 300, abortOn = ServiceCallFailed.Refused.class)
    public void send(AlertRequest alert) {
        try (Response r = api.alert(authorization, alert)) {
            if (r.getStatus() / 100 != 2) {
                throw new ServiceCallFailed("notifier answered " + r.getStatus(), false, null);
            }
        } catch (ServiceCallFailed e) {
            throw e;
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("notifier", e);
        }
    }

    /** For alerts that must never stop an operation: failures are logged, not thrown. */
    public boolean trySend(Severity severity, String title, String message, String dedupKey, Map<String, String> labels) {
        try {
            send(new AlertRequest(severity, title, message, dedupKey, "failover-coordinator", labels, false));
            return true;
        } catch (RuntimeException e) {
            LOG.warnf("alert '%s' not accepted by the notifier: %s", title, e.getMessage());
            return false;
        }
    }
}
