package dev.baton.coordinator.replay;

import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.policy.MaintenanceWindow;
import dev.baton.coordinator.policy.PolicySettings;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One policy setting to replay: the coordinator's own configuration keys ({@code baton.coordinator.policy.*},
 * {@code observers.*}, {@code tick}), each either given or at its default, which is read from
 * {@link CoordinatorConfig}'s own {@code @WithDefault}: the replay cannot drift from what the coordinator runs with.
 * Short names stand for the keys operators tune: {@code confirmation}, {@code quorum}, {@code staleness},
 * {@code cooldown}, {@code daily-cap}, {@code maintenance-windows}, {@code require-standby-up}, {@code max-sync-age},
 * {@code target-ready-ignores}, {@code automatic-failback}, {@code remediation}, {@code remediation-grace},
 * {@code tick}.
 */
public final class Candidate {
    static final String PREFIX = "baton.coordinator.";
    private static final Map<String, String> SHORT = Map.ofEntries(Map.entry("confirmation", "policy.confirmation"),
            Map.entry("quorum", "observers.quorum"), Map.entry("staleness", "observers.staleness"), Map.entry("cooldown", "policy.cooldown"),
            Map.entry("daily-cap", "policy.daily-cap"), Map.entry("maintenance-windows", "policy.maintenance-windows"),
            Map.entry("require-standby-up", "policy.require-standby-up"), Map.entry("max-sync-age", "policy.max-sync-age"),
            Map.entry("target-ready-ignores", "policy.target-ready-ignores"), Map.entry("automatic-failback", "policy.automatic-failback"),
            Map.entry("automatic", "policy.automatic"), Map.entry("remediation", "policy.remediation.enabled"),
            Map.entry("remediation-grace", "policy.remediation.grace"), Map.entry("tick", "tick"), Map.entry("observers", "observers.names"));
    /** The keys a replay understands (after {@link #PREFIX}). */
    static final Set<String> KEYS = Set.copyOf(SHORT.values());

    private final Map<String, String> given;
    private final PolicySettings settings;
    private final Duration tick;
    private final boolean recorded;

    private Candidate(Map<String, String> given, PolicySettings settings, Duration tick, boolean recorded) {
        this.given = given;
        this.settings = settings;
        this.tick = tick;
        this.recorded = recorded;
    }

    /** A setting that cannot be replayed: names the key. */
    public static final class BadSetting extends IllegalArgumentException {
        BadSetting(String message) {
            super(message);
        }
    }

    /**
     * {@code values}: key (full, without the prefix, or short) to value; {@code observers}: the observer names when
     * not given (those of the recording).
     */
    public static Candidate of(Map<String, String> values, Set<String> observers) {
        return of(Map.of(), values, observers);
    }

    /**
     * {@code recorded}: the settings the live coordinator decided with (the recording's header), under the
     * {@code values} given; what neither has is the coordinator's default.
     */
    public static Candidate of(Map<String, String> recorded, Map<String, String> values, Set<String> observers) {
        return of(recorded, values, observers, !recorded.isEmpty());
    }

    /** As {@link #of(Map, Map, Set)}; {@code asRecorded}: its label, when nothing is given, is "as recorded". */
    public static Candidate of(Map<String, String> recorded, Map<String, String> values, Set<String> observers, boolean asRecorded) {
        Map<String, String> given = new LinkedHashMap<>();
        values.forEach((k, v) -> given.put(key(k), v));
        Map<String, String> all = new LinkedHashMap<>();
        recorded.forEach((k, v) -> {
            if (KEYS.contains(k)) {
                all.put(k, v);
            }
        });
        all.putAll(given);
        return build(given, all, observers, asRecorded);
    }

    private static Candidate build(Map<String, String> shown, Map<String, String> given, Set<String> observers, boolean recorded) {
        List<String> names = given.containsKey("observers.names") ? Arrays.stream(given.get("observers.names").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList() : List.copyOf(new java.util.TreeSet<>(observers));
        if (names.isEmpty()) {
            throw new BadSetting(PREFIX + "observers.names: no observer (the recording has no verdict, and none was given)");
        }
        String quorum = given.get("observers.quorum");
        try {
            String windows = value(given, "policy.maintenance-windows");
            PolicySettings s = new PolicySettings(Set.copyOf(names), quorum == null ? PolicySettings.majority(names.size()) : integer("observers.quorum",
                    quorum), duration(given, "observers.staleness"), duration(given, "policy.confirmation"), duration(given, "policy.cooldown"),
                    integer("policy.daily-cap", value(given, "policy.daily-cap")), bool(given, "policy.require-standby-up"),
                    duration(given, "policy.max-sync-age"), windows == null || windows.isBlank() || windows.equals("none") ? List.of()
                            : MaintenanceWindow.parseAll(windows), bool(given, "policy.automatic"), bool(given, "policy.automatic-failback"),
                    bool(given, "policy.remediation.enabled"), duration(given, "policy.remediation.grace"),
                    value(given, "policy.target-ready-ignores") == null ? null
                            : java.util.regex.Pattern.compile(value(given, "policy.target-ready-ignores")));
            return new Candidate(shown, s, duration(given, "tick"), recorded);
        } catch (BadSetting e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new BadSetting("invalid setting: " + e.getMessage());
        }
    }

    /** The key behind a short or full name; unknown keys are refused by name. */
    static String key(String name) {
        String k = name.startsWith(PREFIX) ? name.substring(PREFIX.length()) : SHORT.getOrDefault(name, name);
        if (!KEYS.contains(k)) {
            throw new BadSetting("unknown setting \"" + name + "\": a replay varies " + new java.util.TreeSet<>(SHORT.keySet())
                    + " (or their keys under " + PREFIX + ")");
        }
        return k;
    }

    public PolicySettings settings() {
        return settings;
    }

    public Duration tick() {
        return tick;
    }

    /** This candidate (its label) with the settings of {@code other}: a restart's, in a replay as recorded. */
    Candidate withSettingsOf(Candidate other) {
        return new Candidate(given, other.settings, other.tick, recorded);
    }

    /** The settings given (full keys under {@link #PREFIX}), over the recorded or default ones. */
    public Map<String, String> given() {
        return java.util.Collections.unmodifiableMap(given);
    }

    /**
     * What was given, as {@code key=value, ...} in short names ("as recorded" or "defaults" when nothing: the live
     * coordinator's settings, or the coordinator's defaults for a recording that has none).
     */
    public String label() {
        if (given.isEmpty()) {
            return recorded ? "as recorded" : "defaults";
        }
        Map<String, String> back = new LinkedHashMap<>();
        SHORT.forEach((s, k) -> back.put(k, s));
        List<String> parts = new ArrayList<>();
        given.forEach((k, v) -> parts.add(back.getOrDefault(k, k) + "=" + v));
        return String.join(" ", parts);
    }

    private static String value(Map<String, String> given, String key) {
        return given.containsKey(key) ? given.get(key) : defaultOf(key);
    }

    private static Duration duration(Map<String, String> given, String key) {
        String v = value(given, key);
        try {
            return DurationConverter.parseDuration(v);
        } catch (RuntimeException e) {
            throw new BadSetting(PREFIX + key + ": \"" + v + "\" is not a duration (e.g. 30s, 5m)");
        }
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException | NullPointerException e) {
            throw new BadSetting(PREFIX + key + ": \"" + v + "\" is not a whole number");
        }
    }

    private static boolean bool(Map<String, String> given, String key) {
        String v = value(given, key);
        if (!"true".equalsIgnoreCase(v) && !"false".equalsIgnoreCase(v)) {
            throw new BadSetting(PREFIX + key + ": \"" + v + "\" is not true or false");
        }
        return Boolean.parseBoolean(v);
    }

    /**
     * The settings {@code config} decides with, under {@link #KEYS} (what the recording's header keeps): durations in
     * milliseconds, lists joined with commas, an unset optional left out.
     */
    public static Map<String, String> live(CoordinatorConfig config) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (String key : KEYS) {
            Object v = config;
            Class<?> type = CoordinatorConfig.class;
            for (String part : key.split("\\.")) {
                Method m = v == null ? null : method(type, part);
                try {
                    v = m == null ? null : m.invoke(v);
                } catch (ReflectiveOperationException e) {
                    v = null;
                }
                if (v instanceof java.util.Optional<?> o) {
                    v = o.orElse(null);
                }
                type = m == null ? Object.class : m.getReturnType();
            }
            if (v instanceof Duration d) {
                out.put(key, d.toMillis() + "ms");
            } else if (v instanceof java.util.Collection<?> c) {
                out.put(key, String.join(",", c.stream().map(String::valueOf).toList()));
            } else if (v != null) {
                out.put(key, v.toString());
            }
        }
        return out;
    }

    /** The coordinator's default for {@code key}: its {@code @WithDefault}, found by walking {@link CoordinatorConfig}. */
    static String defaultOf(String key) {
        Class<?> type = CoordinatorConfig.class;
        String[] path = key.split("\\.");
        for (int i = 0; i < path.length; i++) {
            Method m = method(type, path[i]);
            if (m == null) {
                return null;
            }
            if (i == path.length - 1) {
                WithDefault d = m.getAnnotation(WithDefault.class);
                return d == null ? null : d.value();
            }
            type = m.getReturnType();
        }
        return null;
    }

    private static Method method(Class<?> type, String name) {
        for (Method m : type.getMethods()) {
            WithName n = m.getAnnotation(WithName.class);
            String configName = n != null ? n.value() : m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (configName.equals(name) && m.getParameterCount() == 0) {
                return m;
            }
        }
        return null;
    }
}
