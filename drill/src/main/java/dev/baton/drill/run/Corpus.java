package dev.baton.drill.run;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.drill.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;

/**
 * The replay corpus (issue #19): each run's verdict recording, as a coordinator exports it, labelled with the
 * faults the drill injected — ground truth {@code baton replay} judges a candidate setting by. On when the drill is
 * given {@code --corpus DIR} (the system property {@value #PROPERTY}); one {@code .jsonl.gz} per run.
 *
 * <p>Of the world's coordinators the recording kept is the one with the most decisions in it (the one that led
 * when the policy acted: only the leader decides), then the longest (each records every verdict it receives, and
 * one killed during the run has a hole where it was down).
 */
public final class Corpus {
    public static final String PROPERTY = "baton.drill.corpus";
    private static final Duration STARTING = Duration.ofSeconds(45);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    private Corpus() {
    }

    /** A fault the drill injected on {@code site} from {@code from} to {@code to}, and whether it made a failover due. */
    public record Label(Instant from, Instant to, String site, boolean due, String note) {
    }

    /** Where the corpus goes, when the drill writes one. */
    public static Optional<Path> directory() {
        String dir = System.getProperty(PROPERTY);
        return dir == null || dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir));
    }

    /**
     * Writes the run's recording from {@code from} to {@code to} with {@code labels} appended to
     * {@code dir/name.jsonl.gz}; the file, or empty (and why, on the timeline) when no coordinator could export one.
     */
    public static Optional<Path> write(DrillWorld world, Path dir, String name, Instant from, Instant to, List<Label> labels) {
        byte[] longest = null;
        int decisions = -1;
        for (String coordinator : world.coordinators()) {
            byte[] body = export(world.service(coordinator).url(), from, to);
            if (body == null) {
                continue;
            }
            int d = decisions(body);
            if (d > decisions || d == decisions && body.length > longest.length) {
                longest = body;
                decisions = d;
            }
        }
        if (longest == null) {
            world.timeline().record("corpus", "no coordinator exported its recording of " + name);
            return Optional.empty();
        }
        Path file = dir.resolve(name + ".jsonl.gz");
        try {
            Files.createDirectories(dir);
            try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
                out.write(longest);
                for (Label l : labels) {
                    out.write(line(l).getBytes(StandardCharsets.UTF_8));
                }
            }
            return Optional.of(file);
        } catch (IOException e) {
            world.timeline().record("corpus", "cannot write " + file + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    /** A label line of the recording format (docs/OPERATOR.md "Tuning with replay"). */
    static String line(Label l) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("t", "l");
        n.put("from", l.from().toEpochMilli());
        if (l.to() != null) {
            n.put("to", l.to().toEpochMilli());
        }
        n.put("site", l.site());
        n.put("due", l.due());
        if (l.note() != null) {
            n.put("note", l.note());
        }
        return n + "\n";
    }

    private static int decisions(byte[] recording) {
        String text = new String(recording, StandardCharsets.UTF_8);
        int n = 0;
        for (int i = text.indexOf("{\"t\":\"d\""); i >= 0; i = text.indexOf("{\"t\":\"d\"", i + 1)) {
            n++;
        }
        return n;
    }

    /**
     * The coordinator's recording of the run; null when it has none. A coordinator a fault killed may still be
     * starting again when the run ends (and it holds the decision it took before it died): asked again for up to
     * {@link #STARTING}.
     */
    private static byte[] export(String url, Instant from, Instant to) {
        long until = System.nanoTime() + STARTING.toNanos();
        while (true) {
            try {
                HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/verdicts/export?from=" + from + "&to=" + to))
                        .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + DrillWorld.TOKEN).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() == 200) {
                    return r.body();
                }
                if (r.statusCode() == 404) {
                    return null;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            if (System.nanoTime() > until) {
                return null;
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }
}
