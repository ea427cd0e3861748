package dev.baton.drill.run;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What happened during a drill run, in order, with times relative to the start. Printed live. */
public final class Timeline {

    /** One thing that happened. {@code kind} groups events the figures are computed from. */
    public record Event(Instant at, String kind, String detail) {
    }

    private final Instant start = Instant.now();
    private final List<Event> events = new ArrayList<>();
    private final PrintStream out;

    public Timeline(PrintStream out) {
        this.out = out;
    }

    public synchronized Event record(String kind, String detail) {
        Event e = new Event(Instant.now(), kind, detail);
        events.add(e);
        if (out != null) {
            out.printf("  %8.3fs  %-18s %s%n", Duration.between(start, e.at()).toMillis() / 1000.0, kind, detail);
        }
        return e;
    }

    public synchronized List<Event> events() {
        return List.copyOf(events);
    }

    public synchronized Optional<Event> first(String kind) {
        return events.stream().filter(e -> e.kind().equals(kind)).findFirst();
    }

    public Instant start() {
        return start;
    }

    /** Time from the first {@code from} event to the first {@code to} event after it. */
    public synchronized Optional<Duration> between(String from, String to) {
        Optional<Event> a = first(from);
        if (a.isEmpty()) {
            return Optional.empty();
        }
        return events.stream().filter(e -> e.kind().equals(to) && !e.at().isBefore(a.get().at())).findFirst()
                .map(b -> Duration.between(a.get().at(), b.at()));
    }
}
