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

    /**
     * Whether every authoritative nameserver answers {@code expected} (dns-manager's {@code complete}), waiting up
     * to {@code wait} on its side; when not, which nameservers still answer something else.
     */
    public record Propagation(boolean complete, String lagging) {
    }

    @Timeout(value = 300, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 1, delay = 500, abortOn = ServiceCallFailed.Refused.class)
    public Propagation propagated(String name, String type, String expected, Duration wait) {
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

    /** dns-manager's {@code PropagationReport}: {@code complete} decides; the nameservers that do not match explain. */
    static Propagation propagatedIn(JsonNode answer) {
        if (answer == null || !answer.path("complete").isBoolean()) {
            return new Propagation(false, "dns-manager's answer has no 'complete'");
        }
        if (answer.get("complete").asBoolean()) {
            return new Propagation(true, "");
        }
        java.util.List<String> lagging = new java.util.ArrayList<>();
        for (JsonNode ns : answer.path("nameservers")) {
            if (!ns.path("matches").asBoolean(false)) {
                String said = ns.hasNonNull("error") ? ns.get("error").asText() : ns.path("rcode").asText("?") + " " + ns.path("answers");
                lagging.add(ns.path("server").asText("?") + " answers " + said);
            }
        }
        return new Propagation(false, (answer.path("timedOut").asBoolean(false) ? "timed out; " : "")
                + (lagging.isEmpty() ? "no nameserver matched" : String.join(", ", lagging)));
    }
}
