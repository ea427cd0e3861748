package dev.baton.notifier.api;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Severity;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Prometheus Alertmanager's webhook payload, version 4 (the {@code webhook_config} receiver). Unknown fields are
 * ignored so newer Alertmanagers still work.
 */
public record AlertmanagerWebhook(
        @NotBlank String version,
        String groupKey,
        Integer truncatedAlerts,
        String status,
        String receiver,
        Map<String, String> groupLabels,
        Map<String, String> commonLabels,
        Map<String, String> commonAnnotations,
        String externalURL,
        @NotNull @Size(max = 1000) List<@NotNull @Valid AmAlert> alerts) {

    /** One alert of the payload. */
    public record AmAlert(
            @NotBlank String status,
            @NotNull Map<String, String> labels,
            Map<String, String> annotations,
            String startsAt,
            String endsAt,
            String generatorURL,
            String fingerprint) {
    }

    static final int MAX_LABELS = 32;

    /** Each Alertmanager alert as a Baton alert: severity from the {@code severity} label, text from annotations. */
    public List<AlertRequest> toAlerts() {
        return alerts.stream().map(AlertmanagerWebhook::toAlert).toList();
    }

    static AlertRequest toAlert(AmAlert a) {
        Map<String, String> annotations = a.annotations() == null ? Map.of() : a.annotations();
        String title = first(annotations.get("summary"), a.labels().get("alertname"), "Alertmanager alert");
        String message = first(annotations.get("description"), annotations.get("message"), "");
        Map<String, String> labels = new LinkedHashMap<>();
        new TreeMap<>(a.labels()).forEach((k, v) -> {
            if (labels.size() < MAX_LABELS && k.matches("[A-Za-z_][A-Za-z0-9_]{0,99}") && v != null) {
                labels.put(k, cut(v, 500));
            }
        });
        String key = "am:" + (a.fingerprint() != null && !a.fingerprint().isBlank() ? cut(a.fingerprint(), 100) : hash(a.labels()));
        return new AlertRequest(severityOf(a.labels().get("severity")), cut(title, 300), cut(message, 10_000), key,
                "alertmanager", labels, "resolved".equalsIgnoreCase(a.status()));
    }

    static Severity severityOf(String label) {
        if (label == null) {
            return Severity.WARNING;
        }
        return switch (label.toLowerCase()) {
            case "critical", "page", "error", "emergency", "alert" -> Severity.CRITICAL;
            case "info", "informational", "none", "notice" -> Severity.INFO;
            default -> Severity.WARNING;
        };
    }

    private static String first(String a, String b, String fallback) {
        if (a != null && !a.isBlank()) {
            return a;
        }
        return b != null && !b.isBlank() ? b : fallback;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private static String hash(Map<String, String> labels) {
        String material = new TreeMap<>(labels).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\u0000"));
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
