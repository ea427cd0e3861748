package dev.baton.drill.run;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The figures and invariant checks of one drill run. */
public final class DrillReport {
    private final String scenario;
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> violations = new ArrayList<>();
    private final List<String> passed = new ArrayList<>();

    public DrillReport(String scenario) {
        this.scenario = scenario;
    }

    public void figure(String name, Duration d) {
        figures.put(name, d == null ? "n/a" : String.format("%.2f s", d.toMillis() / 1000.0));
    }

    public void figure(String name, String value) {
        figures.put(name, value);
    }

    public void check(String invariant, boolean held, String detail) {
        (held ? passed : violations).add(invariant + ": " + detail);
    }

    public boolean ok() {
        return violations.isEmpty();
    }

    public List<String> violations() {
        return List.copyOf(violations);
    }

    public Map<String, String> figures() {
        return Map.copyOf(figures);
    }

    public void print(PrintStream out) {
        out.println();
        out.println("== drill " + scenario + ": " + (ok() ? "PASSED" : "FAILED"));
        figures.forEach((k, v) -> out.printf("   %-34s %s%n", k, v));
        passed.forEach(p -> out.println("   ok    " + p));
        violations.forEach(v -> out.println("   FAIL  " + v));
    }
}
