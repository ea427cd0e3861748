package dev.baton.coordinator.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import dev.baton.coordinator.replay.Candidate;
import dev.baton.coordinator.replay.RecordingReader;
import dev.baton.coordinator.replay.ReplayTable;
import dev.baton.coordinator.replay.Replayer;
import dev.baton.coordinator.replay.VerdictRecorder;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;

/**
 * {@code POST /api/v1/replay}: {@code baton replay} run here, over this instance's own verdict recording (by default
 * its last 7 days), for the status page's "what if" panel. The same engine as the command: the real policy, the
 * recorded clock, nothing touching a site, DNS or a notifier. Token required (a POST); one replay at a time (another
 * gets 429 with Retry-After); at most {@value #MAX_CANDIDATES} candidates.
 */
@Path("/api/v1/replay")
@Blocking
public class ReplayResource {
    static final int MAX_CANDIDATES = 20;
    static final Duration MAX_SPAN = Duration.ofDays(31);
    private final VerdictRecorder recorder;
    private final Clock clock;
    private final Semaphore one = new Semaphore(1);

    public ReplayResource(VerdictRecorder recorder, Clock clock) {
        this.recorder = recorder;
        this.clock = clock;
    }

    /**
     * {@code candidates}: settings to replay ({@code key -> value}, the command's keys; an empty one is the settings
     * recorded); {@code from}/{@code to}: ISO-8601 instants (default: the last {@code days}, default 7); {@code
     * operation}: how long a started operation lasts (default 30s); {@code shipped}: what a candidate leaves out is
     * the coordinator's default rather than the recorded setting.
     */
    public record ReplayRequest(List<Map<String, String>> candidates, String from, String to, Integer days, String operation, Boolean shipped) {
    }

    public record FailoverView(Instant at, String from, String to, String reason, List<String> observersDown, Long afterFirstDownMs,
            String verdict, Long detectionMs, Long fromRecordedMs) {
    }

    public record CandidateView(String candidate, Map<String, String> settings, int failovers, int recordedFailovers, int sameAsRecorded,
            int extra, int avoided, boolean judged, Integer falseFailovers, Integer notJudged, Integer missed, Long detectionP50Ms, Long detectionP99Ms,
            boolean pareto, List<FailoverView> failoverList) {
    }

    public record ReplayView(Instant from, Instant to, long verdictReports, long checkVerdicts, int labels, List<CandidateView> candidates) {
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Response replay(ReplayRequest request) {
        if (request == null || request.candidates() == null || request.candidates().isEmpty()) {
            return problem(400, "candidates: give one or more settings to replay, e.g. [{}, {\"confirmation\": \"10s\"}] ({} is the recorded one)");
        }
        if (request.candidates().size() > MAX_CANDIDATES) {
            return problem(400, "candidates: at most " + MAX_CANDIDATES + " in one replay (use baton replay --sweep for more)");
        }
        if (request.candidates().stream().anyMatch(c -> c == null)) {
            return problem(400, "candidates: each is an object of settings ({} for the recorded one)");
        }
        long start;
        long end;
        Duration operation;
        try {
            end = request.to() == null || request.to().isBlank() ? clock.millis() : Instant.parse(request.to()).toEpochMilli();
            int days = request.days() == null ? 7 : request.days();
            if (days < 1 || days > MAX_SPAN.toDays()) {
                return problem(400, "days: 1 to " + MAX_SPAN.toDays());
            }
            start = request.from() == null || request.from().isBlank() ? end - Duration.ofDays(days).toMillis() : Instant.parse(request.from()).toEpochMilli();
            operation = request.operation() == null || request.operation().isBlank() ? Duration.ofSeconds(30)
                    : DurationConverter.parseDuration(request.operation());
        } catch (DateTimeParseException e) {
            return problem(400, "from and to are ISO-8601 instants, e.g. 2026-12-06T00:00:00Z");
        } catch (IllegalArgumentException e) {
            return problem(400, "operation: \"" + request.operation() + "\" is not a duration (e.g. 30s)");
        }
        if (end < start) {
            return problem(400, "to is before from");
        }
        if (end - start > MAX_SPAN.toMillis()) {
            return problem(400, "from..to spans more than " + MAX_SPAN.toDays() + " days");
        }
        if (operation.isNegative() || operation.isZero()) {
            return problem(400, "operation: a positive duration (e.g. 30s)");
        }
        if (!one.tryAcquire()) {
            return Response.fromResponse(problem(429, "a replay is running on this coordinator; try again when it is done")).header("Retry-After", "10")
                    .build();
        }
        try {
            recorder.flush(Duration.ofSeconds(5));
            Replayer.Report report;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(VerdictRecorder.segmentsAsOne(recorder.directory(), start, end),
                    StandardCharsets.UTF_8))) {
                report = Replayer.replay(in, request.candidates(), operation, request.shipped() == null || !request.shipped());
            } catch (IOException e) {
                return problem(404, "no verdict recording here for that time range");
            }
            return Response.ok(view(report)).build();
        } catch (Candidate.BadSetting e) {
            return problem(400, e.getMessage());
        } catch (RecordingReader.BadRecording e) {
            return problem(422, "this coordinator's recording cannot be replayed: " + e.getMessage());
        } finally {
            one.release();
        }
    }

    static ReplayView view(Replayer.Report report) {
        List<Boolean> front = ReplayTable.pareto(report.results());
        List<CandidateView> out = new ArrayList<>();
        for (int i = 0; i < report.results().size(); i++) {
            Replayer.Result r = report.results().get(i);
            List<FailoverView> failovers = r.failovers().stream().map(f -> new FailoverView(f.at(), f.from(), f.to(), f.reason(), f.observersDown(),
                    millis(f.afterFirstDown()), f.verdict().name(), millis(f.detection()), millis(f.fromActual()))).toList();
            out.add(new CandidateView(r.candidate().label(), r.candidate().given(), r.failovers().size(), r.actualFailovers(), r.sameAsActual(),
                    r.extra(), r.avoided(), r.judged(), r.judged() ? r.falseFailovers() : null, r.judged() ? r.notJudged() : null, r.judged() ? r.missed() : null,
                    millis(r.detection(50)), millis(r.detection(99)), front.get(i), failovers));
        }
        Replayer.Totals t = report.totals();
        return new ReplayView(t.from(), t.to(), t.verdicts(), t.checkVerdicts(), t.labels(), out);
    }

    private static Long millis(Duration d) {
        return d == null ? null : d.toMillis();
    }

    private static Response problem(int status, String detail) {
        String title = switch (status) {
            case 404 -> "Not Found";
            case 422 -> "Unprocessable Content";
            case 429 -> "Too Many Requests";
            default -> "Bad Request";
        };
        return ProblemMappers.problem(Problem.of(status, title, detail));
    }
}
