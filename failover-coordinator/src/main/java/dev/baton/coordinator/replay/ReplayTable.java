package dev.baton.coordinator.replay;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The replay's printed report: the recording's totals, then a row per candidate, the Pareto front marked. */
public final class ReplayTable {
    private ReplayTable() {
    }

    static void print(Replayer.Report report, PrintStream out) {
        Replayer.Totals t = report.totals();
        out.printf(Locale.ROOT, "%s: %d verdict reports (%d check verdicts) from %s to %s, observers %s, %d label(s)%s%n",
                t.recordings() == 1 ? "recording" : t.recordings() + " recordings", t.verdicts(),
                t.checkVerdicts(), t.from(), t.to(), new java.util.TreeSet<>(t.header().observers()), t.labels(),
                t.labels() == 0 ? " (no ground truth: false and missed failovers cannot be told)" : "");
        List<Replayer.Result> results = report.results();
        List<Boolean> front = pareto(results);
        out.println();
        out.println("| candidate | failovers | same as recorded | extra | avoided | false | missed | detection p50 / p99 | after first DOWN p50 | Pareto |");
        out.println("|---|---|---|---|---|---|---|---|---|---|");
        for (int i = 0; i < results.size(); i++) {
            Replayer.Result r = results.get(i);
            out.printf(Locale.ROOT, "| %s | %d | %d of %d | %d | %d | %s | %s | %s / %s | %s | %s |%n", r.candidate().label(), r.failovers().size(),
                    r.sameAsActual(), r.actualFailovers(), r.extra(), r.avoided(), r.judged() ? r.falseFailovers() + (r.notJudged() > 0 ? " (+" + r.notJudged() + " not judged)" : "") : "-",
                    r.judged() ? Integer.toString(r.missed()) : "-", seconds(r.detection(50)), seconds(r.detection(99)),
                    seconds(afterFirstDown(r)), front.get(i) ? "*" : "");
        }
        for (Replayer.Result r : results) {
            if (r.failovers().isEmpty()) {
                continue;
            }
            out.println();
            out.println(r.candidate().label() + ":");
            for (Replayer.Failover f : r.failovers()) {
                out.printf(Locale.ROOT, "  %s %s -> %s  %s%s%s; observers DOWN %s%n", f.at(), f.from(), f.to(), f.verdict() == Replayer.Verdict.UNJUDGED ? ""
                        : f.verdict() == Replayer.Verdict.DUE ? "due, detected after " + seconds(f.detection()) + "; "
                        : f.verdict() == Replayer.Verdict.AFTER_RECORDED ? "not judged (after the recorded failover, outside any fault); "
                        : "FALSE FAILOVER; ",
                        f.fromActual() == null ? "not in the recording" : "recorded " + signed(f.fromActual()),
                        f.afterFirstDown() == null ? "" : ", " + seconds(f.afterFirstDown()) + " after the first DOWN", f.observersDown());
            }
        }
    }

    /**
     * Whether each candidate is on the Pareto front of (detection p50, false failovers, missed failovers) where the
     * recording is labelled, else of (time after the first DOWN, extra failovers): none of the others is at least as
     * good on every one and better on one.
     */
    public static List<Boolean> pareto(List<Replayer.Result> results) {
        List<double[]> points = new ArrayList<>();
        for (Replayer.Result r : results) {
            points.add(point(r));
        }
        List<Boolean> front = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            boolean dominated = false;
            for (int j = 0; j < points.size() && !dominated; j++) {
                double[] q = points.get(j);
                boolean noWorse = true;
                boolean better = false;
                for (int k = 0; k < p.length; k++) {
                    noWorse &= q[k] <= p[k];
                    better |= q[k] < p[k];
                }
                dominated = j != i && noWorse && better;
            }
            front.add(!dominated);
        }
        return front;
    }

    /**
     * (detection or reaction seconds, false or extra failovers, missed failovers or 0); a candidate that detects
     * nothing is infinitely slow.
     */
    static double[] point(Replayer.Result r) {
        Duration speed = r.judged() ? r.detection(50) : afterFirstDown(r);
        double x = speed == null ? Double.POSITIVE_INFINITY : speed.toMillis() / 1000.0;
        double y = r.judged() ? r.falseFailovers() : r.extra();
        return new double[] {x, y, r.judged() ? r.missed() : 0};
    }

    static Duration afterFirstDown(Replayer.Result r) {
        List<Duration> d = r.failovers().stream().map(Replayer.Failover::afterFirstDown).filter(x -> x != null).sorted().toList();
        return d.isEmpty() ? null : d.get((d.size() - 1) / 2);
    }

    static String seconds(Duration d) {
        return d == null ? "-" : String.format(Locale.ROOT, "%.1fs", d.toMillis() / 1000.0);
    }

    private static String signed(Duration d) {
        return (d.isNegative() ? "-" : "+") + seconds(d.abs()) + " from this";
    }
}
