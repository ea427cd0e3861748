package dev.baton.coordinator.replay;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.HealthStatus;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.policy.FailoverPolicy;
import dev.baton.coordinator.policy.ObserverView;
import dev.baton.coordinator.policy.PolicyInput;
import dev.baton.coordinator.policy.VerdictBook;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code baton replay}'s engine: runs the coordinator's own {@link FailoverPolicy} over a recording, once per
 * candidate setting, with the recorded clock, and says what each would have done. One pass over the recording feeds
 * every candidate (the file is read once, as a stream; memory stays flat however long it is). Each candidate
 * keeps its own verdict book, ticks its policy every {@code tick} of recorded time, and, when the policy proceeds,
 * counts an automatic failover or failback that lasts {@code operation} (then the other site is active). Nothing
 * touches a site, DNS or a notifier: the policy is the only part that runs.
 *
 * <p>What a replay does not know: state-sync's copy (the standby counts as synced), freezes and operator requests in
 * the recording (a candidate follows its own decisions only), and probe-level thresholds (the recording holds the
 * observers' verdicts, not the probes behind them).
 */
public final class Replayer {
    /** How far an automatic failover of a candidate and one in the recording may be apart and still be the same. */
    static final Duration SAME = Duration.ofSeconds(60);
    private static final Duration DAY = Duration.ofHours(24);

    private Replayer() {
    }

    /** One failover (or failback) a candidate would have started. */
    public record Failover(Instant at, String from, String to, String reason, List<String> observersDown, Duration afterFirstDown,
            Verdict verdict, Duration detection, Duration fromActual) {
    }

    /** Against ground truth (labels), or against what happened (no labels). */
    public enum Verdict {
        /** Inside a labelled fault that made a failover due. */
        DUE,
        /** Outside every fault that made one due (or inside one labelled not to): a false failover. */
        FALSE,
        /**
         * Outside every fault that made one due, but after the recorded coordinator began failing over from the same
         * site: what the observers saw there since may be its own fence, not the fault, so it cannot be judged (a
         * replay cannot know what the site would have done untouched). Counted neither false nor due.
         */
        AFTER_RECORDED,
        /** No labels in the recording: not judged. */
        UNJUDGED
    }

    /** What one candidate would have done. */
    public record Result(Candidate candidate, List<Failover> failovers, int actualFailovers, int sameAsActual, int avoided, boolean judged,
            int falseFailovers, int missed, List<Duration> detections) {

        public int extra() {
            return failovers.size() - sameAsActual;
        }

        /** Failovers after the recorded one from the same site and outside every labelled fault: not judged. */
        public int notJudged() {
            return (int) failovers.stream().filter(f -> f.verdict() == Verdict.AFTER_RECORDED).count();
        }

        /** Nearest-rank percentile of the detection times, null when there is none. */
        public Duration detection(int percentile) {
            if (detections.isEmpty()) {
                return null;
            }
            List<Duration> sorted = detections.stream().sorted().toList();
            int rank = (int) Math.ceil(percentile / 100.0 * sorted.size());
            return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
        }
    }

    /** The recording's totals, for the report's first line. */
    public record Totals(Recording.Header header, int recordings, long verdicts, long checkVerdicts, Instant from, Instant to, int labels) {
    }

    /** The outcome of one pass: the totals and each candidate's result, in the candidates' order. */
    public record Report(Totals totals, List<Result> results) {
    }

    /** {@link #replay(BufferedReader, List, Duration, boolean)} starting from the settings the recording was made with. */
    public static Report replay(BufferedReader recording, List<Map<String, String>> candidates, Duration operation) throws IOException,
            RecordingReader.BadRecording {
        return replay(recording, candidates, operation, true);
    }

    /**
     * Replays {@code recording} for each of {@code candidates} ({@code key -> value} maps, see {@link Candidate});
     * {@code operation}: how long a started operation takes; {@code asRecorded}: what a candidate does not set is
     * what the live coordinator decided with (the recording's header), else the coordinator's defaults. A bad
     * recording or setting throws before anything is reported.
     */
    public static Report replay(BufferedReader recording, List<Map<String, String>> candidates, Duration operation, boolean asRecorded)
            throws IOException, RecordingReader.BadRecording {
        RecordingReader checked = new RecordingReader(recording);
        Recording.Header header = checked.header();
        Set<String> observers = new java.util.HashSet<>(header.observers());
        List<Run> runs = new ArrayList<>();
        for (Map<String, String> c : candidates) {
            Candidate candidate = Candidate.of(asRecorded ? header.settings() : Map.of(), c, header.observers(), asRecorded);
            observers.addAll(candidate.settings().observers());
            runs.add(new Run(candidate, c, header, operation.toMillis()));
        }
        // a candidate may name observers of its own: a verdict from one neither the header nor a candidate names is an error
        checked.requireObservers(observers);
        List<Recording.Label> labels = new ArrayList<>();
        List<Recording.DecisionMade> actual = new ArrayList<>();
        long verdicts = 0;
        long checks = 0;
        long first = -1;
        long last = -1;
        Recording.Entry e;
        while ((e = checked.next()) != null) {
            if (e instanceof Recording.Verdict v) {
                verdicts++;
                for (var site : v.report().sites().values()) {
                    checks += Math.max(1, site.checks().size());
                }
                for (Run r : runs) {
                    r.verdict(v);
                }
            } else if (e instanceof Recording.Label l) {
                labels.add(l);
            } else if (e instanceof Recording.Restart restart && asRecorded) {
                // the coordinator restarted with the settings of this header: so does each candidate, under what it sets
                for (Run r : runs) {
                    r.settingsFrom(restart);
                }
            } else if (e instanceof Recording.DecisionMade d && "PROCEED".equals(d.action())) {
                actual.add(d);
            }
            // a State entry: what the live coordinator did is compared with, not followed
            if (!(e instanceof Recording.Label) && !(e instanceof Recording.Restart)) {
                first = first < 0 ? e.at() : first;
                last = e.at();
            }
        }
        List<Result> results = new ArrayList<>();
        for (Run r : runs) {
            if (last >= 0) {
                r.to(last);
                r.lastTick(last);
            }
            results.add(r.result(labels, actual));
        }
        return new Report(new Totals(header, 1, verdicts, checks, first < 0 ? null : Instant.ofEpochMilli(first), last < 0 ? null
                : Instant.ofEpochMilli(last), labels.size()), results);
    }

    /**
     * Several recordings' reports (a corpus: drill and chaos runs, each its own recording, replayed with the same
     * candidates) as one: counts added, failovers and detection times pooled, the time span from the first to the
     * last. The header is the first recording's.
     */
    public static Report combine(List<Report> reports) {
        if (reports.size() == 1) {
            return reports.get(0);
        }
        Report first = reports.get(0);
        long verdicts = 0;
        long checks = 0;
        int labels = 0;
        int recordings = 0;
        Instant from = null;
        Instant to = null;
        for (Report r : reports) {
            Totals t = r.totals();
            verdicts += t.verdicts();
            checks += t.checkVerdicts();
            labels += t.labels();
            recordings += t.recordings();
            from = t.from() == null ? from : from == null || t.from().isBefore(from) ? t.from() : from;
            to = t.to() == null ? to : to == null || t.to().isAfter(to) ? t.to() : to;
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < first.results().size(); i++) {
            List<Failover> failovers = new ArrayList<>();
            List<Duration> detections = new ArrayList<>();
            int actual = 0;
            int same = 0;
            int avoided = 0;
            int falseOnes = 0;
            int missed = 0;
            boolean judged = false;
            for (Report r : reports) {
                Result x = r.results().get(i);
                failovers.addAll(x.failovers());
                detections.addAll(x.detections());
                actual += x.actualFailovers();
                same += x.sameAsActual();
                avoided += x.avoided();
                falseOnes += x.falseFailovers();
                missed += x.missed();
                judged |= x.judged();
            }
            results.add(new Result(first.results().get(i).candidate(), failovers, actual, same, avoided, judged, falseOnes, missed, detections));
        }
        return new Report(new Totals(first.totals().header(), recordings, verdicts, checks, from, to, labels), results);
    }

    /** One candidate's coordinator, reduced to its policy. */
    private static final class Run {
        private Candidate candidate;
        private final Map<String, String> given;
        private final String primary;
        private final String standby;
        private long tick;
        private final long operation;
        private final RecordedClock clock = new RecordedClock(Instant.EPOCH);
        private final VerdictBook book = new VerdictBook(clock);
        private final FailoverPolicy policy = new FailoverPolicy();
        private final Deque<Instant> lastDay = new ArrayDeque<>();
        private final List<Failover> started = new ArrayList<>();
        private String active;
        private FailoverState state = FailoverState.PRIMARY_ACTIVE;
        private long operationEnds = -1;
        private Instant lastOperationEnd;
        private Instant remediatedAt;
        private long nextTick = Long.MIN_VALUE;

        Run(Candidate candidate, Map<String, String> given, Recording.Header header, long operation) {
            this.candidate = candidate;
            this.given = given;
            this.primary = header.primary();
            this.standby = header.standby();
            this.active = primary;
            this.tick = Math.max(1, candidate.tick().toMillis());
            this.operation = operation;
        }

        /** From here on the restarted coordinator's settings, under the candidate's own; the result keeps the first label. */
        void settingsFrom(Recording.Restart restart) {
            Candidate next = Candidate.of(restart.header().settings(), given, restart.header().observers(), true);
            candidate = candidate.withSettingsOf(next);
            tick = Math.max(1, next.tick().toMillis());
        }

        void verdict(Recording.Verdict v) {
            to(v.at());
            clock.at(v.at());
            book.record(v.report());
        }

        /** Every policy tick up to {@code t}. */
        void to(long t) {
            if (nextTick == Long.MIN_VALUE) {
                nextTick = t;
            }
            while (nextTick <= t) {
                tick(nextTick);
                nextTick += tick;
            }
        }

        /**
         * One more tick at the recording's last entry, when the last tick came before it: the recording may end (an
         * export's {@code to}) within a tick of a decision the live coordinator, ticking in its own phase, took.
         */
        void lastTick(long t) {
            if (nextTick - tick < t) {
                tick(t);
            }
        }

        private String other(String site) {
            return site.equals(primary) ? standby : primary;
        }

        private void tick(long now) {
            clock.at(now);
            Instant at = Instant.ofEpochMilli(now);
            if (operationEnds >= 0 && now >= operationEnds) {
                active = other(active);
                state = active.equals(primary) ? FailoverState.PRIMARY_ACTIVE : FailoverState.STANDBY_ACTIVE;
                lastOperationEnd = Instant.ofEpochMilli(operationEnds);
                operationEnds = -1;
            }
            while (!lastDay.isEmpty() && lastDay.peekFirst().isBefore(at.minus(DAY))) {
                lastDay.removeFirst();
            }
            Map<String, ObserverView> seen = book.snapshot();
            PolicyInput in = new PolicyInput(at, state, active, other(active), active.equals(primary), false, null, operationEnds >= 0, seen,
                    List.copyOf(lastDay), lastOperationEnd, at, remediatedAt, candidate.settings());
            Decision d = policy.decideAutomatic(in);
            switch (d.action()) {
                case PROCEED -> {
                    List<String> down = seen.values().stream().filter(o -> o.statusOf(active) == HealthStatus.DOWN).map(ObserverView::observer)
                            .sorted().toList();
                    started.add(new Failover(at, d.from(), d.to(), d.summary(), down, d.firstDownAt() == null ? null
                            : Duration.between(d.firstDownAt(), at), Verdict.UNJUDGED, null, null));
                    state = active.equals(primary) ? FailoverState.FAILING_OVER : FailoverState.FAILING_BACK;
                    operationEnds = now + operation;
                    lastDay.addLast(at);
                }
                case REMEDIATE -> remediatedAt = at;
                default -> {
                }
            }
        }

        Result result(List<Recording.Label> labels, List<Recording.DecisionMade> recorded) {
            List<Instant> actual = recorded.stream().map(d -> Instant.ofEpochMilli(d.at())).toList();
            boolean judged = !labels.isEmpty();
            List<Failover> out = new ArrayList<>();
            List<Duration> detections = new ArrayList<>();
            int falseOnes = 0;
            int same = 0;
            List<Instant> unmatched = new ArrayList<>(actual);
            for (Failover f : started) {
                Instant match = unmatched.stream().filter(a -> Duration.between(a, f.at()).abs().compareTo(SAME) <= 0)
                        .min(java.util.Comparator.comparing(a -> Duration.between(a, f.at()).abs())).orElse(null);
                if (match != null) {
                    unmatched.remove(match);
                    same++;
                }
                Verdict verdict = Verdict.UNJUDGED;
                Duration detection = null;
                if (judged) {
                    Recording.Label due = labels.stream().filter(l -> l.due() && covers(l, f.from(), f.at())).findFirst().orElse(null);
                    boolean forbidden = labels.stream().anyMatch(l -> !l.due() && covers(l, f.from(), f.at()));
                    boolean unlabelled = !forbidden && labels.stream().noneMatch(l -> covers(l, f.from(), f.at()));
                    boolean afterRecorded = recorded.stream().anyMatch(d -> f.from().equals(d.from()) && d.at() <= f.at().toEpochMilli());
                    verdict = due != null && !forbidden ? Verdict.DUE : unlabelled && afterRecorded ? Verdict.AFTER_RECORDED : Verdict.FALSE;
                    if (verdict == Verdict.DUE) {
                        detection = Duration.between(Instant.ofEpochMilli(due.at()), f.at());
                        detections.add(detection);
                    } else if (verdict == Verdict.FALSE) {
                        falseOnes++;
                    }
                }
                out.add(new Failover(f.at(), f.from(), f.to(), f.reason(), f.observersDown(), f.afterFirstDown(), verdict, detection,
                        match == null ? null : Duration.between(match, f.at())));
            }
            int missed = 0;
            for (Recording.Label l : labels) {
                if (l.due() && activeAt(l.at()).equals(l.site()) && started.stream().noneMatch(f -> f.from().equals(l.site()) && covers(l, l.site(),
                        f.at()))) {
                    missed++;
                }
            }
            return new Result(candidate, out, actual.size(), same, unmatched.size(), judged, falseOnes, missed, detections);
        }

        /** Which site this candidate had active at {@code millis}: the primary, switched at the end of each operation. */
        private String activeAt(long millis) {
            String site = primary;
            for (Failover f : started) {
                if (f.at().toEpochMilli() + operation <= millis) {
                    site = f.to();
                }
            }
            return site;
        }

        private static boolean covers(Recording.Label l, String site, Instant at) {
            long t = at.toEpochMilli();
            return l.site().equals(site) && t >= l.at() && (l.to() <= 0 || t <= l.to());
        }
    }
}
