package dev.baton.coordinator.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.common.wire.SwitchRequest;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Compare-and-set DNS switch and propagation check through dns-manager. */
@ApplicationScoped
public class DnsManagerClient {
    private final DnsManagerApi api;
    private final String authorization;

    DnsManagerClient(@RestClient DnsManagerApi api, CoordinatorConfig config) {
        this.api = api;
        this.authorization = config.clients().dnsManager().token().map(t -> "Bearer " + t).orElse(null);
    }

    /** Switches the record; a 409 (record is neither {@code from} nor {@code to}) is a refusal, not retried. */
    @Timeout(value = 60, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 500, abortOn = ServiceCallFailed.Refused.class)
    public JsonNode switchRecord(SwitchRequest request) {
        try {
            return api.switchRecord(authorization, request);
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("dns-manager", e);
        }
    }

    /** Whether {@code name} answers {@code expected} everywhere dns-manager checks, waiting up to {@code wait} on its side. */
    @Timeout(value = 300, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 500, abortOn = ServiceCallFailed.Refused.class)
    public boolean propagated(String name, String type, String expected, Duration wait) {
        JsonNode answer;
        try {
            // dns-manager takes whole seconds or an ISO-8601 duration
            answer = api.propagation(name, type, expected, String.valueOf(wait.toSeconds()));
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("dns-manager", e);
        }
        return propagatedIn(answer);
    }

    /** The record as the provider holds it now, for the status page: one quick try, no retry (the page asks again later). */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public JsonNode records(String zone, String name, String type) {
        try {
            return api.records(zone, name, type);
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("dns-manager", e);
        }
    }

    /** One propagation round without waiting (dns-manager's full report), for the status page: one quick try, no retry. */
    @Timeout(value = 10, unit = ChronoUnit.SECONDS)
    public JsonNode propagationNow(String name, String type, String expected) {
        try {
            return api.propagation(name, type, expected, null);
        } catch (RuntimeException e) {
            throw ServiceCallFailed.from("dns-manager", e);
        }
    }

    /** Accepts {@code propagated} or {@code complete} as the verdict field. */
    static boolean propagatedIn(JsonNode answer) {
        if (answer == null) {
            return false;
        }
        for (String field : new String[] {"propagated", "complete", "done"}) {
            if (answer.has(field)) {
                return answer.get(field).asBoolean(false);
            }
        }
        return false;
    }
}
