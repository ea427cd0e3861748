package dev.baton.coordinator.ui;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How durations, ages and times read on the page ({@code {fmt:ms(x)}} in templates) and in the text rendering. */
@TemplateExtension(namespace = "fmt")
public final class Formats {
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private Formats() {
    }

    /** 850 ms, 12.3 s, 4 min 05 s; "-" when unknown. */
    public static String ms(Long millis) {
        if (millis == null) {
            return "-";
        }
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format("%.1f s", millis / 1000.0);
        }
        return secs(millis / 1000);
    }

    /** 42 s, 3 min 07 s, 2 h 05 min; "-" when unknown. */
    public static String secs(Long seconds) {
        if (seconds == null) {
            return "-";
        }
        if (seconds < 60) {
            return seconds + " s";
        }
        if (seconds < 3600) {
            return String.format("%d min %02d s", seconds / 60, seconds % 60);
        }
        return String.format("%d h %02d min", seconds / 3600, (seconds % 3600) / 60);
    }

    /** "session-check after 0.4 s": what released the fenced engine's broker session; "-" before the fence did. */
    public static String release(dev.baton.coordinator.store.SessionRelease r) {
        return r == null ? "-" : String.format("%s after %.1f s", r.by().label(), r.waited().toMillis() / 1000.0);
    }

    /** RPO in seconds, "-" when not measured. */
    public static String rpo(Double seconds) {
        return seconds == null ? "-" : String.format("%.1f s", seconds);
    }

    public static String time(Instant at) {
        return at == null ? "-" : UTC.format(at);
    }

    /** The part of the state that is a site colour: "primary", "standby", "moving" or "degraded". */
    public static String tone(String state) {
        return switch (state) {
            case "PRIMARY_ACTIVE" -> "ok";
            case "STANDBY_ACTIVE" -> "warn";
            case "DEGRADED" -> "bad";
            default -> "moving";
        };
    }

    /** Shortens an identifier for narrow screens. */
    public static String shortId(String id) {
        return id == null ? "-" : id.substring(0, Math.min(8, id.length()));
    }
}
