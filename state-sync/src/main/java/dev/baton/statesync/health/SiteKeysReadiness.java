package dev.baton.statesync.health;

import dev.baton.statesync.config.SyncConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the key material for every site is readable (our own dependency, not the sites). */
@Readiness
@ApplicationScoped
public class SiteKeysReadiness implements HealthCheck {
    private final SyncConfig config;

    public SiteKeysReadiness(SyncConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        List<String> missing = new ArrayList<>();
        config.sites().forEach((name, site) -> {
            if (!Files.isReadable(site.privateKey())) {
                missing.add("baton.sync.sites." + name + ".private-key");
            }
            if (!Files.isReadable(site.knownHosts())) {
                missing.add("baton.sync.sites." + name + ".known-hosts");
            }
        });
        return HealthCheckResponse.named("site-keys").status(missing.isEmpty())
                .withData("sites", config.sites().size())
                .withData("unreadable", String.join(",", missing)).build();
    }
}
