package dev.baton.coordinator.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code baton replay} (bin/baton runs it with the coordinator's classes; docs/OPERATOR.md):
 *
 * <pre>
 * baton replay RECORDING... [--set KEY=VALUE]... [--sweep KEY=SPEC[,VALUE...][,KEY=SPEC...]] [--shipped] [--operation 30s] [--plot FILE.svg]
 * </pre>
 *
 * RECORDING: a recording file ({@code .gz} or not), a recording directory (its segments in order), or {@code -}
 * (standard input); several (a corpus: one recording per drill or chaos run) are each replayed with the same
 * candidates and their results added up. {@code --set}: the setting replayed (for the rest, the settings the
 * recording was made with, or with {@code --shipped} the coordinator's defaults); {@code --sweep}:
 * one candidate per combination, e.g. {@code confirmation=1s..10s:1s,quorum=2,3} (a range {@code FROM..TO:STEP} of
 * durations or numbers, or values one by one). Prints a table per candidate (failovers, how they compare with what
 * the live coordinator did, and, where the recording is labelled, false and missed failovers and detection time),
 * the Pareto front marked. Exit 0; 2 on bad usage, a bad setting or a bad recording (with its line number: nothing
 * else is printed then).
 */
public final class ReplayMain {
    static final String USAGE = "usage: baton replay RECORDING... [--set KEY=VALUE]... [--sweep KEY=SPEC[,...]] [--shipped] [--operation 30s]"
            + " [--plot FILE.svg]";

    private ReplayMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        List<Path> recordings = new java.util.ArrayList<>();
        Path recording = null;
        boolean asRecorded = true;
        Map<String, String> base = new LinkedHashMap<>();
        String sweep = null;
        Duration operation = Duration.ofSeconds(30);
        Path plot = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--set" -> {
                        String kv = value(args, ++i, "--set");
                        int eq = kv.indexOf('=');
                        if (eq <= 0) {
                            throw new IllegalArgumentException("--set needs KEY=VALUE, not " + kv);
                        }
                        base.put(kv.substring(0, eq).trim(), kv.substring(eq + 1).trim());
                    }
                    case "--sweep" -> sweep = value(args, ++i, "--sweep");
                    case "--operation" -> operation = io.quarkus.runtime.configuration.DurationConverter.parseDuration(value(args, ++i, "--operation"));
                    case "--plot" -> plot = Path.of(value(args, ++i, "--plot"));
                    case "--shipped" -> asRecorded = false;
                    case "-h", "--help" -> {
                        out.println(USAGE);
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("--") || args[i].equals("-") && !recordings.isEmpty()) {
                            throw new IllegalArgumentException("unexpected " + args[i]);
                        }
                        recordings.add(Path.of(args[i]));
                    }
                }
            }
            if (recordings.isEmpty()) {
                throw new IllegalArgumentException("which recording?");
            }
            List<Map<String, String>> candidates = Sweep.candidates(base, sweep);
            List<Replayer.Report> reports = new java.util.ArrayList<>();
            for (Path r : recordings) {
                recording = r;
                try (BufferedReader in = open(r)) {
                    reports.add(Replayer.replay(in, candidates, operation, asRecorded));
                }
            }
            Replayer.Report report = Replayer.combine(reports);
            ReplayTable.print(report, out);
            if (plot != null) {
                Files.writeString(plot, ParetoPlot.svg(report));
                out.println("plot: " + plot);
            }
            return 0;
        } catch (RecordingReader.BadRecording e) {
            err.println("baton replay: " + recording + ": " + e.getMessage());
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("baton replay: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("baton replay: cannot read " + recording + ": " + e.getMessage());
            return 2;
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /**
     * The recording as one stream of lines: a file (gzip when it starts with gzip's magic bytes), standard input, or a
     * directory's segments in name order (each segment repeats the header: only the first one is kept).
     */
    static BufferedReader open(Path recording) throws IOException {
        if (recording.toString().equals("-")) {
            return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        if (Files.isDirectory(recording)) {
            return new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(recording, 0, Long.MAX_VALUE), StandardCharsets.UTF_8));
        }
        return new BufferedReader(new InputStreamReader(VerdictRecorder.decompressed(Files.newInputStream(recording)), StandardCharsets.UTF_8), 1 << 16);
    }
}
