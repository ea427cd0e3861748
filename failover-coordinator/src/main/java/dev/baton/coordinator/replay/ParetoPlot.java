package dev.baton.coordinator.replay;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The picture to look at before changing a threshold: each candidate as a point, detection time (or, without labels,
 * the time from the first DOWN verdict) across, false failovers (or, without labels, failovers the live coordinator
 * did not start) up, each labelled with its missed failovers where the recording is labelled, the Pareto front (of
 * the three: see {@link ReplayTable#pareto}) joined and its points filled. Plain SVG, no script.
 */
final class ParetoPlot {
    private static final int W = 720;
    private static final int H = 440;
    private static final int LEFT = 70;
    private static final int RIGHT = 30;
    private static final int TOP = 40;
    private static final int BOTTOM = 60;

    private ParetoPlot() {
    }

    static String svg(Replayer.Report report) {
        List<Replayer.Result> results = report.results();
        List<Boolean> front = ReplayTable.pareto(results);
        boolean judged = !results.isEmpty() && results.get(0).judged();
        List<double[]> points = new ArrayList<>();
        for (Replayer.Result r : results) {
            points.add(ReplayTable.point(r));
        }
        double maxX = points.stream().mapToDouble(p -> p[0]).filter(Double::isFinite).max().orElse(1);
        double maxY = points.stream().mapToDouble(p -> p[1]).max().orElse(1);
        maxX = Math.max(1, Math.ceil(maxX * 1.1));
        // counts: five whole steps up the axis
        maxY = Math.max(5, Math.ceil(maxY * 1.1 / 5) * 5);
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n", W, H, W, H));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\">baton replay: %s</text>%n", LEFT,
                judged ? "detection time against false failovers" : "reaction time against failovers the live coordinator did not start"));
        int x0 = LEFT;
        int y0 = H - BOTTOM;
        int x1 = W - RIGHT;
        int y1 = TOP;
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0, y0, x1, y0));
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>%n", x0, y0, x0, y1));
        for (int i = 0; i <= 5; i++) {
            double vx = maxX * i / 5;
            double vy = maxY * i / 5;
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.1f</text>%n", px(vx, maxX, x0, x1), y0 + 16, vx));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>%n", x0 - 6, py(vy, maxY, y0, y1) + 4, vy));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s (s)</text>%n", (x0 + x1) / 2, H - 20,
                judged ? "detection p50: fault to failover" : "p50 time from the first DOWN verdict to the failover"));
        s.append(String.format(Locale.ROOT, "<text x=\"16\" y=\"%d\" transform=\"rotate(-90 16 %d)\" text-anchor=\"middle\">%s</text>%n", (y0 + y1) / 2,
                (y0 + y1) / 2, judged ? "false failovers" : "failovers not in the recording"));
        List<Integer> onFront = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            if (front.get(i) && Double.isFinite(points.get(i)[0])) {
                onFront.add(i);
            }
        }
        onFront.sort(Comparator.comparingDouble(i -> points.get(i)[0]));
        if (onFront.size() > 1) {
            StringBuilder path = new StringBuilder();
            for (int i : onFront) {
                path.append(path.length() == 0 ? "M" : " L").append(String.format(Locale.ROOT, "%.1f %.1f", px(points.get(i)[0], maxX, x0, x1),
                        py(points.get(i)[1], maxY, y0, y1)));
            }
            s.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>\n");
        }
        List<double[]> placed = new ArrayList<>();
        for (int i = 0; i < points.size(); i++) {
            double[] p = points.get(i);
            if (!Double.isFinite(p[0])) {
                continue;
            }
            double cx = px(p[0], maxX, x0, x1);
            double cy = py(p[1], maxY, y0, y1);
            boolean f = front.get(i);
            s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\" stroke=\"#c0392b\"/>%n", cx, cy,
                    f ? "#c0392b" : "white"));
            String label = results.get(i).candidate().label() + (judged ? " (missed " + results.get(i).missed() + ")" : "");
            // about 6 px a character at 11 px: a label that would run off the right edge is written leftwards of its
            // point, and one that would cover a label already written goes a line lower, then lower again
            double width = label.length() * 6.2;
            boolean leftwards = cx + 7 + width > W - 4;
            double from = leftwards ? cx - 7 - width : cx + 7;
            double y = cy - 6;
            while (covers(placed, from, from + width, y)) {
                y += 14;
            }
            placed.add(new double[] {from, from + width, y});
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>%n", from, y, escape(label)));
        }
        long never = points.stream().filter(p -> !Double.isFinite(p[0])).count();
        if (never > 0) {
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%d candidate(s) %s: not plotted</text>%n", x0 + 8, y1 + 12, never,
                    judged ? "detected no fault that made a failover due" : "never failed over"));
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#c0392b\">filled: Pareto front</text>%n", x1 - 120, y1 + 12));
        s.append("</svg>\n");
        return s.toString();
    }

    /** Whether a label from {@code a} to {@code b} on the line at {@code y} would cross one of {@code placed}. */
    private static boolean covers(List<double[]> placed, double a, double b, double y) {
        for (double[] q : placed) {
            if (Math.abs(q[2] - y) < 12 && a < q[1] && q[0] < b) {
                return true;
            }
        }
        return false;
    }

    private static double px(double v, double max, int x0, int x1) {
        return x0 + (x1 - x0) * v / max;
    }

    private static double py(double v, double max, int y0, int y1) {
        return y0 - (y0 - y1) * v / max;
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
