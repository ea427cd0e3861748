package dev.baton.coordinator.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.auth.TokenRequired;
import dev.baton.common.wire.Problem;
import dev.baton.coordinator.replay.Recording;
import dev.baton.coordinator.replay.VerdictRecorder;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * {@code GET /api/v1/verdicts/export?from=&to=}: this instance's verdict recording between two instants (ISO-8601;
 * either may be left out) as one recording in JSON lines (its header first), streamed from the segments on disk as
 * it is read: never loaded whole. Needs the bearer token (it is the full history of what every observer saw).
 * {@code baton replay} reads the result as it is.
 */
@Path("/api/v1/verdicts/export")
@Blocking
public class RecordingResource {
    static final String NDJSON = "application/x-ndjson";
    private final VerdictRecorder recorder;

    public RecordingResource(VerdictRecorder recorder) {
        this.recorder = recorder;
    }

    @GET
    @Produces(NDJSON)
    @TokenRequired
    public Response export(@QueryParam("from") String from, @QueryParam("to") String to) {
        long start;
        long end;
        try {
            start = from == null || from.isBlank() ? 0 : Instant.parse(from).toEpochMilli();
            end = to == null || to.isBlank() ? Long.MAX_VALUE : Instant.parse(to).toEpochMilli();
        } catch (DateTimeParseException e) {
            return problem(400, "Bad Request", "from and to are ISO-8601 instants, e.g. 2026-12-06T00:00:00Z");
        }
        if (end < start) {
            return problem(400, "Bad Request", "to is before from");
        }
        // what was received up to this request is in the export: the recorder's queue written out first
        recorder.flush(java.time.Duration.ofSeconds(5));
        BufferedReader in;
        try {
            in = new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(recorder.directory(), start, end), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return problem(404, "Not Found", "no verdict recording here for that time range");
        }
        StreamingOutput body = out -> {
            try (in; BufferedWriter w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8))) {
                String header = in.readLine();
                if (header != null) {
                    w.write(header);
                    w.write('\n');
                }
                String line;
                while ((line = in.readLine()) != null) {
                    if (within(line, start, end)) {
                        w.write(line);
                        w.write('\n');
                    }
                }
            }
        };
        return Response.ok(body, NDJSON).header("Content-Disposition", "attachment; filename=\"baton-verdicts.jsonl\"").build();
    }

    /**
     * Whether an entry belongs in the range: its time (a label: its span overlaps; a later header: always). A line that does not parse (the
     * last one of a segment cut off by a crash) is left out: the export is always a recording replay can read.
     */
    static boolean within(String line, long start, long end) {
        if (line.startsWith("{\"schema\"")) {
            // a restart's header: where the settings changed (docs/OPERATOR.md)
            return true;
        }
        try {
            Recording.Entry e = Recording.entry(line);
            if (e instanceof Recording.Label l) {
                return l.at() <= end && (l.to() <= 0 || l.to() >= start);
            }
            return e.at() >= start && e.at() <= end;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static Response problem(int status, String title, String detail) {
        return ProblemMappers.problem(Problem.of(status, title, detail));
    }
}
