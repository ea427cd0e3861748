package dev.baton.coordinator.config;

import dev.baton.common.json.JsonCondition;
import dev.baton.common.ssh.SshKeys;
import dev.baton.coordinator.policy.MaintenanceWindow;
import dev.baton.coordinator.runbook.BrokerSession;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The checks bean validation on {@link CoordinatorConfig} cannot express. Each problem names its key;
 * any problem stops start-up.
 */
public final class ConfigValidator {
    private static final String P = "baton.coordinator.";
    private static final List<String> STEP_TYPES = List.of("notify", "http-hook", "ssh", "fence", "sync", "start", "wait-healthy", "dns", "wait",
            "pg-rejoin", "pg-fence-old", "pg-check-replica", "pg-promote", "redis-promote", "redis-replicate");

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
            problems.addAll(dev.baton.coordinator.runbook.SiteDatabases.problems(P + "sites." + name + ".database.", s.database()));
            problems.addAll(dev.baton.coordinator.runbook.SiteRedis.problems(P + "sites." + name + ".redis.", s.redis()));
        });
        dev.baton.coordinator.replay.VerdictRecorder.problem(c.recording()).ifPresent(problems::add);
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
        sessionRelease(c, problems);
        decider(c, problems);
        if (c.store().equals("postgres") && c.tick().compareTo(c.leader().lease().dividedBy(2)) >= 0) {
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
                    case "fence" -> {
                        fence = fence < 0 ? i : fence;
                        Duration linger = BrokerSession.linger(c.fence());
                        if (s.timeout().compareTo(linger) <= 0) {
                            problems.add(key + ".timeout: " + s.timeout() + " is not longer than " + P + "fence.session-linger (" + linger
                                    + "): the fence would fail before the broker session could be released");
                        }
                    }
                    case "start" -> start = start < 0 ? i : start;
                    default -> {
                    }
                }
            }
            if (!steps.isEmpty() && (fence < 0 || start >= 0 && start < fence)) {
                problems.add(P + "runbooks." + rb.getKey() + ".steps: a fence step is required, before any start step");
            }
            databaseSteps(c, P + "runbooks." + rb.getKey() + ".steps", steps, problems);
        }
        return problems;
    }

    /**
     * The database steps: both sites' databases configured; always abort on failure; in the one safe order
     * (fence, pg-fence-old, pg-check-replica, pg-promote, start); a stop needs its command.
     */
    private static void databaseSteps(CoordinatorConfig c, String key, List<CoordinatorConfig.Step> steps, List<String> problems) {
        Map<String, Integer> first = new java.util.HashMap<>();
        for (int i = 0; i < steps.size(); i++) {
            CoordinatorConfig.Step s = steps.get(i);
            first.putIfAbsent(s.type(), i);
            String at = key + "[" + i + "]";
            if (s.type().startsWith("redis-")) {
                c.sites().forEach((name, site) -> {
                    if (site.redis().host().isEmpty()) {
                        problems.add(at + ": a " + s.type() + " step needs " + P + "sites." + name + ".redis.host (both sites' Redis)");
                    }
                });
                if (s.type().equals("redis-promote") && !s.onFailure().equals("abort")) {
                    problems.add(at + ".on-failure: a redis-promote step always aborts (the new engine must not start on a Redis replica)");
                }
                continue;
            }
            if (!s.type().startsWith("pg-")) {
                continue;
            }
            c.sites().forEach((name, site) -> {
                if (site.database().host().isEmpty()) {
                    problems.add(at + ": a " + s.type() + " step needs " + P + "sites." + name + ".database.host (both sites' databases)");
                }
            });
            if (!s.onFailure().equals("abort")) {
                problems.add(at + ".on-failure: a " + s.type() + " step always aborts (the new engine must not start on an unfenced, "
                        + "unchecked or unpromoted database)");
            }
            if (s.type().equals("pg-fence-old") && s.mode().equals("stop") && s.command().isEmpty()) {
                problems.add(at + ".command: pg-fence-old with mode stop needs the command that stops the database");
            }
            if (s.type().equals("pg-rejoin") && s.command().isEmpty()) {
                problems.add(at + ".command: pg-rejoin needs the command that makes the database a replica (e.g. baton-pg-rejoin)");
            }
        }
        Integer redisPromote = first.get("redis-promote");
        Integer fenceAt = first.get("fence");
        if (redisPromote != null && (fenceAt == null || redisPromote < fenceAt
                || first.get("start") != null && first.get("start") < redisPromote)) {
            problems.add(key + ": redis-promote goes after the fence step and before start");
        }
        for (int i = 0; i < steps.size(); i++) {
            CoordinatorConfig.Step s = steps.get(i);
            if (!s.type().equals("redis-replicate")) {
                continue;
            }
            if (s.site().equals("from") && (fenceAt == null || i < fenceAt || redisPromote != null && i < redisPromote)) {
                // the old primary's Redis follows the new one only once it is fenced and the new one is a primary
                problems.add(key + "[" + i + "]: redis-replicate of the site being left goes after the fence step and after redis-promote");
            }
            if (s.site().equals("to") && redisPromote != null && i > redisPromote) {
                problems.add(key + "[" + i + "]: redis-replicate of the site being started goes before redis-promote (it would undo it)");
            }
        }
        if (first.containsKey("pg-fence-old") && !first.containsKey("pg-promote")) {
            problems.add(key + ": a runbook that fences the old database (pg-fence-old) must promote the new one (pg-promote) before start");
        }
        Integer rejoin = first.get("pg-rejoin");
        Integer check = first.get("pg-check-replica");
        if (rejoin != null && check != null && check < rejoin) {
            problems.add(key + ": pg-rejoin must come before pg-check-replica (the replica it checks is the one pg-rejoin makes)");
        }
        List<String> order = List.of("fence", "pg-fence-old", "pg-check-replica", "pg-promote", "start");
        if (first.containsKey("pg-promote")) {
            for (int k = 0; k + 1 < order.size(); k++) {
                Integer before = first.get(order.get(k));
                Integer after = first.get(order.get(k + 1));
                if (before == null || after != null && after < before) {
                    problems.add(key + ": pg-promote needs, in this order, " + String.join(", ", order) + " (" + order.get(k)
                            + (before == null ? " is missing)" : " must come before " + order.get(k + 1) + ")"));
                    break;
                }
            }
        } else if (first.containsKey("pg-fence-old") || first.containsKey("pg-check-replica")) {
            Integer fence = first.get("fence");
            for (String t : List.of("pg-fence-old", "pg-check-replica")) {
                Integer at = first.get(t);
                if (at != null && (fence == null || at < fence)) {
                    problems.add(key + ": " + t + " must come after the fence step");
                }
            }
        }
    }

    /** The broker-session release: a linger that can be honoured and a session check that can be asked. */
    private static void decider(CoordinatorConfig c, List<String> problems) {
        c.initial().activeSite().ifPresent(site -> {
            if (!c.sites().containsKey(site)) {
                problems.add(P + "initial.active-site: '" + site + "' is not one of " + P + "sites " + new java.util.TreeSet<>(c.sites().keySet()));
            }
        });
        if (!c.store().equals("zookeeper") && !c.store().equals("postgres")) {
            problems.add(P + "store: must be postgres or zookeeper, was '" + c.store() + "'");
        }
        if (!c.store().equals("zookeeper")) {
            return;
        }
        CoordinatorConfig.ZooKeeper z = c.zookeeper();
        String connect = z.connect().orElse("").trim();
        if (connect.isEmpty()) {
            problems.add(P + "zookeeper.connect: required with " + P + "store=zookeeper (host:port,host:port,host:port)");
        } else {
            for (String server : connect.split(",")) {
                if (!server.trim().matches("[A-Za-z0-9._\\[\\]:-]+:[0-9]{1,5}")) {
                    problems.add(P + "zookeeper.connect: '" + server.trim() + "' is not host:port (a chroot is set with "
                            + P + "zookeeper.base-path)");
                }
            }
        }
        if (z.sessionTimeout().compareTo(Duration.ofSeconds(1)) < 0 || z.sessionTimeout().compareTo(Duration.ofMinutes(2)) > 0) {
            problems.add(P + "zookeeper.session-timeout: must be between 1s and 2m, was " + z.sessionTimeout());
        }
        if (z.connectionTimeout().compareTo(z.sessionTimeout()) > 0 || z.connectionTimeout().isZero() || z.connectionTimeout().isNegative()) {
            problems.add(P + "zookeeper.connection-timeout: must be positive and at most " + P + "zookeeper.session-timeout");
        }
        if (!z.basePath().matches("(/[A-Za-z0-9._-]+)+")) {
            problems.add(P + "zookeeper.base-path: an absolute znode path such as /baton, was '" + z.basePath() + "'");
        }
        if (c.tick().compareTo(z.sessionTimeout()) >= 0) {
            problems.add(P + "tick: must be shorter than " + P + "zookeeper.session-timeout");
        }
    }

    private static void sessionRelease(CoordinatorConfig c, List<String> problems) {
        CoordinatorConfig.Fence f = c.fence();
        if (f.sessionLinger().isPresent() && f.sessionRelease().isPresent()) {
            problems.add(P + "fence.session-release: renamed to " + P + "fence.session-linger; set only session-linger");
        }
        Duration linger = BrokerSession.linger(f);
        String lingerKey = P + (f.sessionLinger().isEmpty() && f.sessionRelease().isPresent() ? "fence.session-release" : "fence.session-linger");
        if (linger.isNegative()) {
            problems.add(lingerKey + ": must not be negative");
        } else if (linger.isZero() && !f.takeoverAllowed()) {
            problems.add(lingerKey + ": 0 lets the standby log in while the fenced engine's session may still be alive; set "
                    + P + "fence.takeover-allowed=true only if the broker takes a dead session over cleanly");
        }
        f.siteLease().ifPresent(lease -> {
            if (lease.compareTo(Duration.ofSeconds(3)) < 0) {
                problems.add(P + "fence.site-lease: " + lease + " is too short for a gate that asks every second (at least 3s)");
            }
        });
        if (f.allowWait() && f.siteLease().isEmpty()) {
            problems.add(P + "fence.allow-wait: presuming an unreachable site fenced needs " + P + "fence.site-lease (and every "
                    + "site's start gate run with BATON_GATE_LEASE): without it an engine the coordinator cannot reach may trade again");
        }
        CoordinatorConfig.SessionCheck sc = f.sessionCheck();
        String key = P + "fence.session-check.";
        if (sc.url().isPresent() && sc.command().isPresent()) {
            problems.add(key + "url: set either url or command, not both");
        }
        sc.url().ifPresent(url -> {
            try {
                URI u = new URI(url);
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    problems.add(key + "url: '" + url + "' is not an http(s) URL");
                }
            } catch (URISyntaxException e) {
                problems.add(key + "url: '" + url + "' is not a URL: " + e.getReason());
            }
            List<String> conditions = sc.jsonEquals().orElse(List.of());
            if (conditions.isEmpty()) {
                problems.add(key + "json-equals: a url check needs at least one condition that means 'no live session', e.g. live == false");
            }
            for (int i = 0; i < conditions.size(); i++) {
                if (JsonCondition.parse(conditions.get(i)).isEmpty()) {
                    problems.add(key + "json-equals[" + i + "]: '" + conditions.get(i) + "' is not of the form <dotted.path> == <value>");
                }
            }
        });
        if (sc.url().isEmpty() && sc.command().isEmpty() && sc.jsonEquals().isPresent()) {
            problems.add(key + "json-equals: set " + key + "url too (the conditions judge its answer)");
        }
        if (sc.interval().isNegative() || sc.interval().isZero() || sc.timeout().isNegative() || sc.timeout().isZero()) {
            problems.add(key + "interval and " + key + "timeout: must be positive");
        }
    }

    /**
     * Each site's private key loaded (with its passphrase) and its known_hosts parsed, as the SSH client will: a key
     * that cannot be used is a startup error naming the key, not a failure at the first failover.
     */
    public static List<String> keyProblems(CoordinatorConfig c) {
        List<String> out = new ArrayList<>();
        c.sites().forEach((name, s) -> {
            String key = P + "sites." + name + ".";
            try {
                SshKeys.check(key + "private-key", java.nio.file.Path.of(s.privateKey()), dev.baton.coordinator.runbook.Sites.passphrase(name, s));
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
            try {
                SshKeys.checkKnownHosts(key + "known-hosts", java.nio.file.Path.of(s.knownHosts()));
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
        });
        return out;
    }

    /** The configuration and the sites' key files: @throws IllegalStateException listing every problem, each with its key */
    public static void checkAtStartup(CoordinatorConfig c) {
        List<String> problems = new ArrayList<>(problems(c));
        problems.addAll(keyProblems(c));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid configuration: " + String.join("; ", problems));
        }
    }

    /** @throws IllegalStateException listing every problem, each with its key */
    public static void check(CoordinatorConfig c) {
        List<String> problems = problems(c);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid configuration: " + String.join("; ", problems));
        }
    }
}
