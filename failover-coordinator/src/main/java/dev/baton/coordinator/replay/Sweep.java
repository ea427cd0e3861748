package dev.baton.coordinator.replay;

import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code --sweep}: the candidates, one per combination of the values given. {@code confirmation=1s..10s:1s,quorum=2,3}
 * is ten confirmations times two quorums, twenty candidates, in that order (the first key varies slowest). A value is
 * a range {@code FROM..TO:STEP} (durations or whole numbers) or one value; a part without {@code =} is one more value
 * of the key before it. Each candidate is the base settings ({@code --set}) with the combination over them.
 */
final class Sweep {
    /** More candidates than this is a typo rather than a sweep. */
    static final int MAX = 1000;

    private Sweep() {
    }

    static List<Map<String, String>> candidates(Map<String, String> base, String spec) {
        List<Map<String, String>> out = new ArrayList<>();
        if (spec == null || spec.isBlank()) {
            out.add(new LinkedHashMap<>(base));
            return out;
        }
        Map<String, List<String>> axes = new LinkedHashMap<>();
        String key = null;
        for (String part : spec.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                continue;
            }
            int eq = p.indexOf('=');
            if (eq > 0) {
                key = p.substring(0, eq).trim();
                Candidate.key(key);
                if (axes.containsKey(key)) {
                    throw new IllegalArgumentException("--sweep names " + key + " twice");
                }
                axes.put(key, new ArrayList<>(values(key, p.substring(eq + 1).trim())));
            } else if (key == null) {
                throw new IllegalArgumentException("--sweep must start with KEY=..., not " + p);
            } else {
                axes.get(key).addAll(values(key, p));
            }
        }
        List<Map<String, String>> combos = new ArrayList<>();
        combos.add(new LinkedHashMap<>(base));
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> c : combos) {
                for (String v : axis.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(c);
                    m.put(axis.getKey(), v);
                    next.add(m);
                }
            }
            combos = next;
            if (combos.size() > MAX) {
                throw new IllegalArgumentException("--sweep makes more than " + MAX + " candidates");
            }
        }
        return combos;
    }

    /** One value, or the values of a range {@code FROM..TO:STEP}. */
    static List<String> values(String key, String v) {
        int dots = v.indexOf("..");
        if (dots < 0) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException("--sweep " + key + ": empty value");
            }
            return List.of(v);
        }
        int colon = v.indexOf(':', dots);
        if (colon < 0) {
            throw new IllegalArgumentException("--sweep " + key + "=" + v + ": a range is FROM..TO:STEP");
        }
        String from = v.substring(0, dots);
        String to = v.substring(dots + 2, colon);
        String step = v.substring(colon + 1);
        List<String> out = new ArrayList<>();
        if (from.matches("\\d+") && to.matches("\\d+") && step.matches("\\d+")) {
            long a = Long.parseLong(from);
            long b = Long.parseLong(to);
            long s = Long.parseLong(step);
            if (s <= 0 || b < a) {
                throw new IllegalArgumentException("--sweep " + key + "=" + v + ": FROM must not exceed TO, STEP must be above 0");
            }
            for (long x = a; x <= b && out.size() <= MAX; x += s) {
                out.add(Long.toString(x));
            }
            return out;
        }
        Duration a;
        Duration b;
        Duration s;
        try {
            a = DurationConverter.parseDuration(from);
            b = DurationConverter.parseDuration(to);
            s = DurationConverter.parseDuration(step);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--sweep " + key + "=" + v + ": FROM, TO and STEP must be durations (1s, 500ms, 2m) or whole numbers");
        }
        if (s.isZero() || s.isNegative() || b.compareTo(a) < 0) {
            throw new IllegalArgumentException("--sweep " + key + "=" + v + ": FROM must not exceed TO, STEP must be above 0");
        }
        for (Duration x = a; x.compareTo(b) <= 0 && out.size() <= MAX; x = x.plus(s)) {
            out.add(text(x));
        }
        return out;
    }

    /** {@code 2s}, {@code 1500ms}, {@code 3m}: the way the coordinator's configuration writes durations. */
    static String text(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
