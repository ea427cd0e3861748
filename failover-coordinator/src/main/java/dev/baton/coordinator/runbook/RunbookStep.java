package dev.baton.coordinator.runbook;

import java.time.Duration;

/**
 * One step of a runbook, resolved from configuration with its defaults. {@code maxLag} and {@code mode} are the
 * database steps' ({@code pg-check-replica}, {@code pg-fence-old}).
 */
public record RunbookStep(
        String name,
        String type,
        String site,
        String command,
        String url,
        String severity,
        String message,
        Duration duration,
        String source,
        Duration timeout,
        int retries,
        OnFailure onFailure,
        Duration maxLag,
        String mode) {

    public RunbookStep(String name, String type, String site, String command, String url, String severity, String message, Duration duration,
            String source, Duration timeout, int retries, OnFailure onFailure) {
        this(name, type, site, command, url, severity, message, duration, source, timeout, retries, onFailure, Duration.ZERO, "read-only");
    }

    public enum OnFailure {
        ABORT,
        CONTINUE,
        NEEDS_OPERATOR;

        static OnFailure parse(String s) {
            return valueOf(s.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        }
    }

    /** Steps after which the old site or the world has changed: failing later means DEGRADED, not a clean abort. */
    public boolean irreversible() {
        return switch (type) {
            case "fence", "start", "dns", "ssh", "pg-fence-old", "pg-promote", "redis-promote", "redis-replicate" -> true;
            default -> false;
        };
    }

    static RunbookStep of(String type, String name, OnFailure onFailure, Duration timeout) {
        return new RunbookStep(name, type, "to", null, null, "INFO", null, null, "containers", timeout, 0, onFailure);
    }

    RunbookStep withMessage(String severity, String message) {
        return new RunbookStep(name, type, site, command, url, severity, message, duration, source, timeout, retries, onFailure, maxLag, mode);
    }

    RunbookStep withDuration(Duration d) {
        return new RunbookStep(name, type, site, command, url, severity, message, d, source, timeout, retries, onFailure, maxLag, mode);
    }
}
