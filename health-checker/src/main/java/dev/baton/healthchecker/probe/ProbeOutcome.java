package dev.baton.healthchecker.probe;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What one probe found. A warning (Nagios exit 1) counts as success but keeps its message so it is
 * reported. {@code certificateNotAfter} is the expiry of the LEAF certificate an https target presented.
 */
public record ProbeOutcome(boolean success, Duration latency, String message, Optional<Instant> certificateNotAfter) {

    /** Messages are capped so a chatty target cannot bloat verdicts (the wire allows 2000 characters). */
    public static final int MAX_MESSAGE = 500;

    public ProbeOutcome {
        message = message == null ? null : clip(message);
        certificateNotAfter = certificateNotAfter == null ? Optional.empty() : certificateNotAfter;
    }

    public static ProbeOutcome up(Duration latency) {
        return new ProbeOutcome(true, latency, null, Optional.empty());
    }

    public static ProbeOutcome warning(Duration latency, String message) {
        return new ProbeOutcome(true, latency, "warning: " + message, Optional.empty());
    }

    public static ProbeOutcome down(Duration latency, String message) {
        return new ProbeOutcome(false, latency, message, Optional.empty());
    }

    public ProbeOutcome withCertificateNotAfter(Instant notAfter) {
        return new ProbeOutcome(success, latency, message, Optional.ofNullable(notAfter));
    }

    static String clip(String text) {
        String oneLine = text.replaceAll("[\\p{Cntrl}&&[^\\t]]+", " ").strip();
        return oneLine.length() <= MAX_MESSAGE ? oneLine : oneLine.substring(0, MAX_MESSAGE - 3) + "...";
    }
}
