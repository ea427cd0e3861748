package dev.baton.healthchecker.config;

import dev.baton.common.ssh.SshKeys;
import dev.baton.healthchecker.probe.CheckDefinition;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;

/**
 * Every ssh-command check's private key loaded (with its passphrase) and its known_hosts parsed at startup, as the
 * probe's SSH client will: a key that cannot be used stops the service with one line per key naming it, instead of
 * every probe of that check failing for a reason nobody reads.
 */
@ApplicationScoped
public class SshKeysAtStartup {

    void onStart(@Observes StartupEvent event, HealthCheckerConfig config, CheckCatalog catalog) {
        List<String> problems = new ArrayList<>();
        List<HealthCheckerConfig.Check> checks = config.checks();
        for (int i = 0; i < checks.size(); i++) {
            String key = "baton.health.checks[" + i + "].ssh.";
            String name = checks.get(i).name();
            catalog.checks().stream().filter(d -> d.name().equals(name) && d.options() instanceof CheckDefinition.SshCommand)
                    .map(d -> ((CheckDefinition.SshCommand) d.options()).endpoint()).findFirst().ifPresent(endpoint -> {
                        try {
                            SshKeys.check(key + "private-key", endpoint.privateKey(), endpoint.passphrase());
                        } catch (IllegalArgumentException e) {
                            problems.add(e.getMessage());
                        }
                        try {
                            SshKeys.checkKnownHosts(key + "known-hosts", endpoint.knownHosts());
                        } catch (IllegalArgumentException e) {
                            problems.add(e.getMessage());
                        }
                    });
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("Invalid health-checker configuration:\n  " + String.join("\n  ", problems));
        }
    }
}
