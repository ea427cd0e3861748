package dev.baton.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Alertmanager v4 alerts become Baton alerts: severity from the label, text from annotations, stable keys. */
class AlertmanagerWebhookTest {

    static AlertmanagerWebhook.AmAlert am(String status, Map<String, String> labels, Map<String, String> annotations, String fp) {
        return new AlertmanagerWebhook.AmAlert(status, labels, annotations, "2026-11-23T12:00:00Z", "0001-01-01T00:00:00Z",
                "http://prometheus:9090/graph", fp);
    }

    @Test
    void mapsSeverityTitleMessageAndLabels() {
        AlertRequest a = AlertmanagerWebhook.toAlert(am("firing",
                Map.of("alertname", "EngineDown", "severity", "critical", "site", "primary", "bad-name", "x"),
                Map.of("summary", "Trading engine down", "description", "no heartbeat for 60s"), "3f2a1b"));
        assertThat(a.severity()).isEqualTo(Severity.CRITICAL);
        assertThat(a.title()).isEqualTo("Trading engine down");
        assertThat(a.message()).isEqualTo("no heartbeat for 60s");
        assertThat(a.dedupKey()).isEqualTo("am:3f2a1b");
        assertThat(a.source()).isEqualTo("alertmanager");
        assertThat(a.labels()).containsEntry("site", "primary").doesNotContainKey("bad-name");
        assertThat(a.resolved()).isFalse();
    }

    @Test
    void resolvedAlertsKeepTheKeyOfTheFiringOne() {
        Map<String, String> labels = Map.of("alertname", "GatewayDown");
        AlertRequest firing = AlertmanagerWebhook.toAlert(am("firing", labels, null, null));
        AlertRequest resolved = AlertmanagerWebhook.toAlert(am("resolved", labels, null, null));
        assertThat(resolved.resolved()).isTrue();
        assertThat(resolved.dedupKey()).isEqualTo(firing.dedupKey());
        assertThat(firing.title()).isEqualTo("GatewayDown");
        assertThat(firing.severity()).as("no severity label").isEqualTo(Severity.WARNING);
    }

    @Test
    void severityWordsMap() {
        assertThat(AlertmanagerWebhook.severityOf("page")).isEqualTo(Severity.CRITICAL);
        assertThat(AlertmanagerWebhook.severityOf("info")).isEqualTo(Severity.INFO);
        assertThat(AlertmanagerWebhook.severityOf("warning")).isEqualTo(Severity.WARNING);
    }

    @Test
    void longValuesAreCutToTheWireLimits() {
        AlertRequest a = AlertmanagerWebhook.toAlert(am("firing", Map.of("alertname", "x".repeat(1000)), null, "f"));
        assertThat(a.title()).hasSize(300);
        assertThat(a.labels().get("alertname")).hasSize(500);
        assertThat(List.of(a)).hasSize(1);
    }
}
