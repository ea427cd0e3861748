package dev.baton.coordinator.config;

import dev.baton.coordinator.policy.MaintenanceWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks bean validation on {@link CoordinatorConfig} cannot express. Each problem names its key;
 * any problem stops start-up.
 */
public final class ConfigValidator {
    private static final String P = "baton.coordinator.";
    private static final List<String> STEP_TYPES = List.of("notify", "http-hook", "ssh", "fence", "sync", "start", "wait-healthy", "dns", "wait");

    private ConfigValidator() {
    }

    public static List<String> problems(CoordinatorConfig c) {
        List<String> problems = new ArrayList<>();
        long primaries = c.sites().values().stream().filter(s -> s.role().equals("primary")).count();
        long standbys = c.sites().values().stream().filter(s -> s.role().equals("standby")).count();
        if (c.sites().size() != 2 || primaries != 1 || standbys != 1) {
            problems.add(P + "sites: exactly two sites are needed, one with role=primary and one with role=standby (found "
                    + primaries + " primary, " + standbys + " standby among " + c.sites().size() + ")");
        }
        c.sites().forEach((name, s) -> {
            if (!s.role().equals("primary") && !s.role().equals("standby")) {
                problems.add(P + "sites." + name + ".role: must be primary or standby, was '" + s.role() + "'");
            }
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,99}")) {
                problems.add(P + "sites." + name + ": site names are letters, digits, '.', '_' or '-'");
            }
            if (s.engineServices().isEmpty() || s.engineServices().stream().anyMatch(x -> !x.matches("[A-Za-z0-9][A-Za-z0-9._-]*"))) {
                problems.add(P + "sites." + name + ".engine-services: list compose service names (letters, digits, '.', '_', '-')");
            }
        });
        int observers = c.observers().names().size();
        c.observers().quorum().ifPresent(q -> {
            if (q > observers) {
                problems.add(P + "observers.quorum: " + q + " is more than the " + observers + " configured observers");
            }
        });
        try {
            MaintenanceWindow.parseAll(c.policy().maintenanceWindows());
        } catch (IllegalArgumentException e) {
            problems.add(P + "policy.maintenance-windows: " + e.getMessage());
        }
        c.policy().targetReadyIgnores().ifPresent(regex -> {
            try {
                java.util.regex.Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                problems.add(P + "policy.target-ready-ignores: not a regular expression: " + e.getDescription());
            }
        });
        if (c.tick().compareTo(c.leader().lease().dividedBy(2)) >= 0) {
            problems.add(P + "tick: must be less than half of " + P + "leader.lease so the lease is renewed in time");
        }
        for (Map.Entry<String, CoordinatorConfig.Runbook> rb : c.runbooks().entrySet()) {
            if (!rb.getKey().equals("failover") && !rb.getKey().equals("failback")) {
                problems.add(P + "runbooks." + rb.getKey() + ": only failover and failback runbooks exist");
                continue;
            }
            List<CoordinatorConfig.Step> steps = rb.getValue().steps().orElse(List.of());
            int fence = -1;
            int start = -1;
            for (int i = 0; i < steps.size(); i++) {
                CoordinatorConfig.Step s = steps.get(i);
                String key = P + "runbooks." + rb.getKey() + ".steps[" + i + "]";
                if (!STEP_TYPES.contains(s.type())) {
                    problems.add(key + ".type: must be one of " + String.join(", ", STEP_TYPES) + ", was '" + s.type() + "'");
                }
                if (!List.of("abort", "continue", "needs-operator").contains(s.onFailure())) {
                    problems.add(key + ".on-failure: must be abort, continue or needs-operator");
                }
                if (s.type().equals("fence") && !s.onFailure().equals("abort")) {
                    problems.add(key + ".on-failure: a fence step always aborts (an unconfirmed fence ends in DEGRADED)");
                }
                switch (s.type()) {
                    case "ssh" -> {
                        if (s.command().isEmpty()) {
                            problems.add(key + ".command: an ssh step needs a command");
                        }
                    }
                    case "http-hook" -> {
                        if (s.url().isEmpty()) {
                            problems.add(key + ".url: an http-hook step needs a url");
                        }
                    }
                    case "dns" -> {
                        if (c.dns().zone().isEmpty() || c.dns().name().isEmpty()) {
                            problems.add(key + ": a dns step needs " + P + "dns.zone and " + P + "dns.name");
                        }
                    }
                    case "fence" -> fence = fence < 0 ? i : fence;
                    case "start" -> start = start < 0 ? i : start;
                    default -> {
                    }
                }
            }
            if (!steps.isEmpty() && (fence < 0 || start >= 0 && start < fence)) {
                problems.add(P + "runbooks." + rb.getKey() + ".steps: a fence step is required, before any start step");
            }
        }
        return problems;
    }

    /** @throws IllegalStateException listing every problem, each with its key */
    public static void check(CoordinatorConfig c) {
        List<String> problems = problems(c);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid configuration: " + String.join("; ", problems));
        }
    }
}
