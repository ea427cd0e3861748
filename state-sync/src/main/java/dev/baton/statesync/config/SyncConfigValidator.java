package dev.baton.statesync.config;

import dev.baton.common.ssh.KeyPassphrase;
import dev.baton.common.ssh.SshKeys;
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
        List<String> problems = new ArrayList<>(problems(config));
        problems.addAll(keyProblems(config));
        if (!problems.isEmpty()) {
            throw new IllegalStateException("invalid state-sync configuration: " + String.join("; ", problems));
        }
    }

    /**
     * Each site's private key loaded (with its passphrase) and its known_hosts parsed, as the SSH client will:
     * a key that cannot be used is a startup error naming the key, not a failure at the first failover.
     */
    public static List<String> keyProblems(SyncConfig config) {
        List<String> out = new ArrayList<>();
        config.sites().forEach((name, site) -> {
            String prefix = "baton.sync.sites." + name + ".";
            try {
                SshKeys.check(prefix + "private-key", site.privateKey(), passphrase(name, site));
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
            try {
                SshKeys.checkKnownHosts(prefix + "known-hosts", site.knownHosts());
            } catch (IllegalArgumentException e) {
                out.add(e.getMessage());
            }
        });
        return out;
    }

    /** The site's key passphrase from its settings (inline wins over the file). */
    public static KeyPassphrase passphrase(String name, SyncConfig.Site site) {
        return KeyPassphrase.from(site.privateKeyPassphrase(), site.privateKeyPassphraseFile(),
                "baton.sync.sites." + name + ".private-key-passphrase-file");
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
