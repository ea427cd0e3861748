package dev.baton.statesync.config;

import dev.baton.statesync.sync.PathEscapeException;
import dev.baton.statesync.sync.SyncSet;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Startup checks bean validation cannot express. A bad configuration stops the service with one
 * message naming every offending key.
 */
@ApplicationScoped
public class SyncConfigValidator {

    void onStart(@Observes StartupEvent event, SyncConfig config) {
        List<String> problems = problems(config);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid state-sync configuration: " + String.join("; ", problems));
        }
    }

    /** Every problem as {@code key: reason}; empty if the configuration is usable. Pure. */
    public static List<String> problems(SyncConfig config) {
        List<String> out = new ArrayList<>();
        for (String path : config.paths()) {
            try {
                new SyncSet(List.of(path), List.of(), List.of());
            } catch (PathEscapeException e) {
                out.add("baton.sync.paths: " + e.getMessage());
            }
        }
        for (String glob : config.newest().orElse(List.of())) {
            try {
                new SyncSet(List.of("x"), List.of(glob), List.of());
            } catch (PathEscapeException e) {
                out.add("baton.sync.newest: " + e.getMessage());
            }
        }
        for (String glob : config.excludes().orElse(List.of())) {
            try {
                new SyncSet(List.of("x"), List.of(), List.of(glob));
            } catch (PathEscapeException | IllegalArgumentException e) {
                out.add("baton.sync.excludes: bad glob " + glob + ": " + e.getMessage());
            }
        }
        config.active().site().ifPresent(site -> {
            if (!config.sites().containsKey(site)) {
                out.add("baton.sync.active.site: " + site + " is not one of the configured sites " + config.sites().keySet());
            }
        });
        for (Map.Entry<String, SyncConfig.Site> site : config.sites().entrySet()) {
            String root = site.getValue().root();
            if (root.contains("/../") || root.endsWith("/..")) {
                out.add("baton.sync.sites." + site.getKey() + ".root: must not contain '..'");
            }
        }
        if (config.continuous().interval().isNegative() || config.continuous().interval().isZero()) {
            out.add("baton.sync.continuous.interval: must be positive");
        }
        return out;
    }
}
