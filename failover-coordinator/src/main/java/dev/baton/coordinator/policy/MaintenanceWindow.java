package dev.baton.coordinator.policy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * A recurring broker maintenance window: on {@code days}, from {@code start} local time in {@code zone},
 * for {@code length}. A window may cross midnight (it belongs to the day it starts on); local times
 * follow the zone's DST rules (a start inside a DST gap moves forward, as {@link ZonedDateTime#of} does).
 */
public record MaintenanceWindow(Set<DayOfWeek> days, LocalTime start, Duration length, ZoneId zone) {

    /** IBKR's documented windows: daily 22:00–22:15 UTC and Sunday 23:45–Monday 00:45 UTC. */
    public static final String IBKR = "daily 22:00 15m UTC;SUN 23:45 60m UTC";

    public MaintenanceWindow {
        days = Set.copyOf(days);
        if (days.isEmpty() || length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("a window needs days and a length of 1s..24h");
        }
    }

    /**
     * Parses {@code "daily 22:00 15m UTC; SUN 23:45 60m UTC"}: entries separated by {@code ;}, each
     * {@code <daily|MON,TUE,...> <HH:mm> <length: 15m, 1h, 90s> <zone id>}. {@code none} or blank = no windows.
     *
     * @throws IllegalArgumentException naming the bad entry
     */
    public static List<MaintenanceWindow> parseAll(String spec) {
        List<MaintenanceWindow> windows = new ArrayList<>();
        if (spec == null || spec.isBlank() || spec.trim().equalsIgnoreCase("none")) {
            return windows;
        }
        for (String entry : spec.split(";")) {
            if (!entry.isBlank()) {
                windows.add(parse(entry.trim()));
            }
        }
        return List.copyOf(windows);
    }

    static MaintenanceWindow parse(String entry) {
        String[] parts = entry.split("\\s+");
        if (parts.length != 4) {
            throw new IllegalArgumentException("window '" + entry + "' must be '<daily|MON,TUE..> <HH:mm> <length> <zone>'");
        }
        try {
            Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
            if (parts[0].equalsIgnoreCase("daily")) {
                days = EnumSet.allOf(DayOfWeek.class);
            } else {
                for (String d : parts[0].split(",")) {
                    days.add(day(d));
                }
            }
            return new MaintenanceWindow(days, LocalTime.parse(parts[1]), length(parts[2]), ZoneId.of(parts[3]));
        } catch (java.time.DateTimeException e) {
            throw new IllegalArgumentException("window '" + entry + "': " + e.getMessage(), e);
        }
    }

    private static DayOfWeek day(String d) {
        String u = d.trim().toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(u) && u.length() >= 3) {
                return day;
            }
        }
        throw new IllegalArgumentException("unknown day '" + d + "' (use MON..SUN or daily)");
    }

    static Duration length(String s) {
        if (!s.matches("\\d+[smh]")) {
            throw new IllegalArgumentException("length '" + s + "' must look like 90s, 15m or 1h");
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (s.charAt(s.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The occurrence containing {@code at}, if any. */
    public Optional<Occurrence> occurrenceAt(Instant at) {
        LocalDate today = at.atZone(zone).toLocalDate();
        for (LocalDate d = today.minusDays(1); !d.isAfter(today); d = d.plusDays(1)) {
            Optional<Occurrence> o = occurrenceOn(d);
            if (o.isPresent() && !at.isBefore(o.get().start()) && at.isBefore(o.get().end())) {
                return o;
            }
        }
        return Optional.empty();
    }

    /** The latest end of an occurrence that ends in {@code (from, to]}, if any. */
    public Optional<Instant> latestEndIn(Instant from, Instant to) {
        LocalDate last = to.atZone(zone).toLocalDate();
        LocalDate first = from.atZone(zone).toLocalDate().minusDays(1);
        // bounded: a failure seen weeks ago only needs the windows of the last 8 days
        if (first.isBefore(last.minusDays(8))) {
            first = last.minusDays(8);
        }
        Instant latest = null;
        for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
            Optional<Occurrence> o = occurrenceOn(d);
            if (o.isPresent() && o.get().end().isAfter(from) && !o.get().end().isAfter(to)) {
                latest = o.get().end();
            }
        }
        return Optional.ofNullable(latest);
    }

    private Optional<Occurrence> occurrenceOn(LocalDate date) {
        if (!days.contains(date.getDayOfWeek())) {
            return Optional.empty();
        }
        Instant s = ZonedDateTime.of(date, start, zone).toInstant();
        return Optional.of(new Occurrence(s, s.plus(length)));
    }

    @Override
    public String toString() {
        return (days.size() == 7 ? "daily" : days.stream().sorted().map(d -> d.name().substring(0, 3)).toList().toString())
                + " " + start + " +" + length.toMinutes() + "m " + zone;
    }

    /** One concrete occurrence of a window. */
    public record Occurrence(Instant start, Instant end) {
    }
}
