package dev.baton.coordinator.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import dev.baton.common.wire.SiteVerdict;

/**
 * Reads a recording line by line (streaming: a month of verdicts is never held in memory) and refuses a bad one with
 * its line number: a line that does not parse (a truncated last line included), a schema version this Baton does not
 * read, an observer the recording's header (or the replayed settings) does not name, or time going backwards (each entry's time at or after the
 * one before; labels, which {@code baton label} appends later, are exempt). A header after the first line is a
 * {@link Recording.Restart}.
 */
public final class RecordingReader implements AutoCloseable {
    /** How many distinct texts of sites are kept before they are forgotten (a bound on memory, not on speed). */
    private static final int SITES_SEEN = 1024;
    private final BufferedReader in;
    private final Map<String, Map<String, SiteVerdict>> sitesSeen = new java.util.HashMap<>();
    private Set<String> observers;
    private final Recording.Header header;
    private long lineNumber = 1;
    private long last = Long.MIN_VALUE;

    /** A recording that cannot be replayed: where and why. */
    public static final class BadRecording extends Exception {
        private final long line;

        BadRecording(long line, String reason) {
            super("line " + line + ": " + reason);
            this.line = line;
        }

        public long line() {
            return line;
        }
    }

    /** Reads the header; verdicts may then come from the observers it names. */
    public RecordingReader(BufferedReader in) throws IOException, BadRecording {
        this.in = in;
        String first = in.readLine();
        if (first == null) {
            throw new BadRecording(1, "empty: not a Baton verdict recording");
        }
        try {
            header = Recording.parseHeader(first);
        } catch (Recording.Malformed e) {
            throw new BadRecording(1, e.getMessage());
        }
        observers = header.observers();
    }

    /** Verdicts from now on must come from {@code names} (the replayed settings' observers). */
    public void requireObservers(Set<String> names) {
        observers = Set.copyOf(names);
    }

    public Recording.Header header() {
        return header;
    }

    /** The next entry, null at the end. */
    public Recording.Entry next() throws IOException, BadRecording {
        String line;
        do {
            line = in.readLine();
            lineNumber++;
            if (line == null) {
                return null;
            }
        } while (line.isBlank());
        Recording.Entry e;
        String sitesText = sitesText(line);
        Map<String, SiteVerdict> known = sitesText == null ? null : sitesSeen.get(sitesText);
        try {
            e = Recording.isHeader(line) ? new Recording.Restart(Math.max(0, last), Recording.parseHeader(line)) : parse(line, known);
        } catch (Recording.Malformed m) {
            throw new BadRecording(lineNumber, m.getMessage());
        }
        if (known == null && sitesText != null && e instanceof Recording.Verdict v) {
            if (sitesSeen.size() >= SITES_SEEN) {
                sitesSeen.clear();
            }
            sitesSeen.put(sitesText, v.report().sites());
        }
        if (e instanceof Recording.Restart r) {
            // the restarted coordinator's observers may be others
            observers = union(observers, r.header().observers());
            return e;
        }
        if (e instanceof Recording.Verdict v && !observers.contains(v.report().observer())) {
            throw new BadRecording(lineNumber, "unknown observer \"" + v.report().observer() + "\" (the observers: "
                    + new java.util.TreeSet<>(observers) + ")");
        }
        if (!(e instanceof Recording.Label)) {
            if (e.at() < last) {
                throw new BadRecording(lineNumber, "time goes backwards: " + java.time.Instant.ofEpochMilli(e.at()) + " after "
                        + java.time.Instant.ofEpochMilli(last));
            }
            last = e.at();
        }
        return e;
    }

    /**
     * A verdict line's sites as text ({@link Recording#line} writes them last), or null. An observer's heartbeats
     * mostly repeat its last report word for word but for the times: their sites are parsed once and the parsed
     * (immutable) verdicts reused, which halves a month's parsing.
     */
    /** With the sites known, the fields before them; should that not be a whole verdict (a line written by hand), the line. */
    private static Recording.Entry parse(String line, Map<String, SiteVerdict> known) throws Recording.Malformed {
        if (known != null) {
            try {
                return Recording.parse(line, known);
            } catch (Recording.Malformed m) {
                // parsed whole below, where its error (if any) is the line's own
            }
        }
        return Recording.parse(line, null);
    }

    private static String sitesText(String line) {
        if (!line.startsWith("{\"t\":\"v\"") || !line.endsWith("}}")) {
            return null;
        }
        int at = line.indexOf(",\"s\":{");
        return at < 0 ? null : line.substring(at + 5, line.length() - 1);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
