package dev.baton.coordinator.replay;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.VerdictReport;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.policy.Decision;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.BufferedWriter;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jboss.logging.Logger;

/**
 * This coordinator instance's verdict recording ({@link Recording}): every verdict report it accepts, every change of
 * state its policy ticks see and every decision it acts on, appended as JSON lines to a segment on its own disk
 * ({@code baton.coordinator.recording.directory}); a new segment every {@code segment} (each starting with the
 * header), the closed one gzip-compressed beside it, segments older than {@code retention} deleted. Never in the
 * decision store: it holds only what deciding needs. Callers only queue a line (bounded, never waiting): a thread of
 * its own writes them, so a slow or hung disk can never hold up a verdict POST or a policy tick. A write that fails (a
 * full disk) or a queue that overflows is logged once and costs the coordinator nothing else: recording is for
 * tuning, not for deciding.
 */
@ApplicationScoped
public class VerdictRecorder {
    private static final Logger LOG = Logger.getLogger(VerdictRecorder.class);
    static final String PREFIX = "verdicts-";
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final CoordinatorConfig.VerdictRecording config;
    private final Clock clock;
    private final String header;
    private final Path directory;
    private BufferedWriter out;
    private Path current;
    private Instant segmentStarted;
    private boolean failing;
    /** The last state queued (callers' side: a state is queued only when it changed). */
    private FailoverState lastState;
    private String lastActive;
    /** The last state written (the writer's side: each new segment starts with it). */
    private FailoverState writtenState;
    private String writtenActive;
    /** How many lines may wait for the writer: minutes of verdicts; beyond it lines are dropped and counted. */
    static final int QUEUE = 20_000;
    private final java.util.concurrent.BlockingQueue<Pending> queue = new java.util.concurrent.ArrayBlockingQueue<>(QUEUE);
    private final java.util.concurrent.atomic.AtomicLong queued = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong done = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong dropped = new java.util.concurrent.atomic.AtomicLong();
    private Thread writer;
    /** The last time stamped on a queued line. */
    private Instant lastStamp;

    /** A line waiting for the writer; a state entry also carries the state, for the next segment's first lines. */
    private record Pending(Instant at, String line, FailoverState state, String active) {
    }

    @jakarta.inject.Inject
    public VerdictRecorder(CoordinatorConfig config, Clock clock) {
        this(config.recording(), header(config), clock);
    }

    VerdictRecorder(CoordinatorConfig.VerdictRecording config, String header, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.directory = Path.of(config.directory());
        this.header = header;
    }

    private static String header(CoordinatorConfig config) {
        String primary = config.sites().entrySet().stream().filter(e -> e.getValue().role().equals("primary")).map(e -> e.getKey()).findFirst()
                .orElse("primary");
        String standby = config.sites().entrySet().stream().filter(e -> e.getValue().role().equals("standby")).map(e -> e.getKey()).findFirst()
                .orElse("standby");
        return Recording.header(new Recording.Header(Recording.VERSION, config.leader().id().orElse(hostName()), primary, standby,
                Set.copyOf(config.observers().names()), Candidate.live(config)));
    }

    /** The start-up check: the directory can be created and written (else the coordinator does not start, naming the key). */
    public static Optional<String> problem(CoordinatorConfig.VerdictRecording c) {
        if (!c.enabled()) {
            return Optional.empty();
        }
        try {
            Path dir = Files.createDirectories(Path.of(c.directory()));
            Path probe = Files.createTempFile(dir, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | RuntimeException e) {
            return Optional.of("baton.coordinator.recording.directory: cannot write to " + c.directory() + " (" + e.getMessage()
                    + "); give it a writable directory or set baton.coordinator.recording.enabled=false");
        }
        if (c.segment().compareTo(Duration.ofMinutes(1)) < 0) {
            return Optional.of("baton.coordinator.recording.segment: at least 1m, was " + c.segment());
        }
        if (c.retention().compareTo(c.segment()) < 0) {
            return Optional.of("baton.coordinator.recording.retention: at least one segment (" + c.segment() + "), was " + c.retention());
        }
        return Optional.empty();
    }

    /** A verdict report as accepted, stamped with the time it was received. */
    public void verdict(VerdictReport report) {
        enqueue(now -> Recording.line(new Recording.Verdict(now.toEpochMilli(), report)), null, null);
    }

    /** The state a policy tick saw; recorded when it or the active site changed. */
    public synchronized void state(FailoverState state, String active) {
        if (state == lastState && active.equals(lastActive)) {
            return;
        }
        enqueue(now -> Recording.line(new Recording.State(now.toEpochMilli(), state, active)), state, active);
        lastState = state;
        lastActive = active;
    }

    /** A decision the coordinator acts on (an automatic operation begins on it), stamped when it is acted on. */
    public void decision(Decision d) {
        enqueue(now -> Recording.line(new Recording.DecisionMade(now.toEpochMilli(), d.action().name(), d.from(), d.to(), d.summary())), null,
                null);
    }

    public Path directory() {
        return directory;
    }

    /**
     * Stamps and queues one line. Stamp and place in the queue are taken together, so the file's times never go
     * backwards (verdict POSTs and policy ticks record from different threads), nor when the wall clock steps back.
     */
    private void enqueue(java.util.function.Function<Instant, String> line, FailoverState state, String active) {
        if (!config.enabled()) {
            return;
        }
        synchronized (queue) {
            if (writer == null) {
                writer = new Thread(this::write, "verdict-recording");
                writer.setDaemon(true);
                writer.start();
            }
            Instant now = clock.instant();
            if (lastStamp != null && now.isBefore(lastStamp)) {
                now = lastStamp;
            }
            lastStamp = now;
            if (queue.offer(new Pending(now, line.apply(now), state, active))) {
                queued.incrementAndGet();
            } else if (dropped.getAndIncrement() == 0) {
                LOG.warnf("verdict recording: %d lines wait for %s; lines are dropped until it catches up", QUEUE, directory);
            }
        }
    }

    /** The writer thread: every queued line, in order. */
    private void write() {
        while (true) {
            Pending p;
            try {
                p = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            append(p);
            done.incrementAndGet();
        }
    }

    /**
     * Waits (at most {@code max}) until every line queued so far is written: an export reads what was recorded up to
     * its request. False when the writer did not catch up in time.
     */
    public boolean flush(Duration max) {
        long target = queued.get();
        long deadline = System.nanoTime() + max.toNanos();
        while (done.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private void append(Pending p) {
        try {
            if (out == null || !p.at().isBefore(segmentStarted.plus(config.segment()))) {
                roll(p.at());
            }
            out.write(p.line());
            out.write('\n');
            out.flush();
            if (p.state() != null) {
                writtenState = p.state();
                writtenActive = p.active();
            }
            if (failing) {
                LOG.infof("verdict recording writes again to %s", current);
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) {
                LOG.warnf("verdict recording: cannot write to %s (%s); verdicts are not recorded until it can", directory, e.getMessage());
                failing = true;
            }
            closeQuietly();
        }
    }

    /** Closes the current segment (compressing it in the background), starts the next, deletes what retention let go. */
    private void roll(Instant now) throws IOException {
        Path closed = current;
        closeQuietly();
        if (closed != null) {
            compressLater(closed);
        }
        Files.createDirectories(directory);
        segmentStarted = now;
        current = directory.resolve(PREFIX + NAME.format(now) + ".jsonl");
        out = Files.newBufferedWriter(current, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        out.write(header);
        out.write('\n');
        if (writtenState != null) {
            // each segment says where things stand from its start
            out.write(Recording.line(new Recording.State(now.toEpochMilli(), writtenState, writtenActive)));
            out.write('\n');
        }
        deleteExpired(now);
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                // it was failing already
            }
            out = null;
        }
    }

    private void compressLater(Path segment) {
        Thread t = new Thread(() -> {
            try {
                compress(segment);
            } catch (IOException e) {
                LOG.warnf("verdict recording: cannot compress %s (%s); it stays uncompressed", segment, e.getMessage());
            }
        }, "verdict-recording-gzip");
        t.setDaemon(true);
        t.start();
    }

    /**
     * {@code x.jsonl} to {@code x.jsonl.gz}, written beside it and renamed into place before the original goes. When
     * retention deleted the original meanwhile, the copy goes too.
     */
    static void compress(Path segment) throws IOException {
        Path gz = segment.resolveSibling(segment.getFileName() + ".gz");
        Path tmp = segment.resolveSibling(segment.getFileName() + ".gz.tmp");
        try (InputStream in = Files.newInputStream(segment); OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp))) {
            in.transferTo(o);
        } catch (java.nio.file.NoSuchFileException gone) {
            Files.deleteIfExists(tmp);
            return;
        }
        Files.move(tmp, gz, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        if (!Files.deleteIfExists(segment)) {
            Files.deleteIfExists(gz);
        }
    }

    private void deleteExpired(Instant now) throws IOException {
        Instant cutoff = now.minus(config.retention());
        for (Segment s : segments(directory)) {
            if (s.started().plus(config.segment()).isBefore(cutoff) && !s.path().equals(current)) {
                Files.deleteIfExists(s.path());
            }
        }
    }

    /** One segment on disk and when it began (from its name). */
    record Segment(Path path, Instant started) {
    }

    /** The segments in {@code dir}, oldest first (compressed or not; a half-written {@code .gz.tmp} is not one). */
    static List<Segment> segments(Path dir) throws IOException {
        List<Segment> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(PREFIX) && (n.endsWith(".jsonl") || n.endsWith(".jsonl.gz"))) {
                    String stamp = n.substring(PREFIX.length(), n.indexOf(".jsonl"));
                    try {
                        out.add(new Segment(p, Instant.from(NAME.parse(stamp))));
                    } catch (java.time.format.DateTimeParseException e) {
                        // not one of ours
                    }
                }
            }
        }
        out.sort(java.util.Comparator.comparing(Segment::started).thenComparing(s -> s.path().getFileName().toString()));
        // while a segment is being compressed both files exist for a moment: the uncompressed one is read
        List<Segment> once = new ArrayList<>();
        for (Segment s : out) {
            if (once.isEmpty() || !once.get(once.size() - 1).started().equals(s.started())) {
                once.add(s);
            }
        }
        return once;
    }

    /**
     * The segments of {@code dir} that may hold entries between {@code from} and {@code to} (epoch ms) as one
     * recording: the first segment's header, then every segment's entries in order; a later segment's header is
     * left out when it says what the one before said, and kept where it differs (the coordinator restarted with
     * other settings: a {@link Recording.Restart} to the reader).
     */
    public static InputStream segmentsAsOne(Path dir, long from, long to) throws IOException {
        List<Segment> all = segments(dir);
        List<InputStream> parts = new ArrayList<>();
        byte[] said = null;
        for (int i = 0; i < all.size(); i++) {
            Segment s = all.get(i);
            long end = i + 1 < all.size() ? all.get(i + 1).started().toEpochMilli() : Long.MAX_VALUE;
            if (end < from || s.started().toEpochMilli() > to) {
                continue;
            }
            InputStream in = decompressed(Files.newInputStream(s.path()));
            byte[] header = firstLine(in);
            if (header.length <= 1) {
                // empty: the coordinator stopped before writing its header
                in.close();
                continue;
            }
            if (said == null || !java.util.Arrays.equals(said, header)) {
                parts.add(new ByteArrayInputStream(header));
                said = header;
            }
            parts.add(in);
        }
        if (parts.isEmpty()) {
            throw new IOException("no recording segment in " + dir + (from > 0 || to < Long.MAX_VALUE ? " for that time range" : ""));
        }
        return new SequenceInputStream(Collections.enumeration(parts));
    }

    /** The stream itself, or gunzipped when it starts with gzip's magic bytes. */
    public static InputStream decompressed(InputStream raw) throws IOException {
        PushbackInputStream in = new PushbackInputStream(raw, 2);
        byte[] magic = in.readNBytes(2);
        in.unread(magic);
        return magic.length == 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** The first line of {@code in} with its newline (one added at the end of a stream that has none), consumed. */
    private static byte[] firstLine(InputStream in) throws IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream(512);
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.write(c);
        }
        line.write('\n');
        return line.toByteArray();
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "coordinator";
        }
    }
}
