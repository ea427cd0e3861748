package dev.baton.coordinator.runbook;

import dev.baton.common.ssh.KeyPassphrase;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.coordinator.config.CoordinatorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The two configured sites by role; {@link dev.baton.coordinator.config.ConfigValidator} has checked there is one of each. */
@ApplicationScoped
public class Sites {
    private final Map<String, CoordinatorConfig.Site> byName;

    public Sites(CoordinatorConfig config) {
        this.byName = Map.copyOf(config.sites());
    }

    public String primary() {
        return byRole("primary");
    }

    public String standby() {
        return byRole("standby");
    }

    public String other(String site) {
        return site.equals(primary()) ? standby() : primary();
    }

    public boolean isPrimary(String site) {
        return site.equals(primary());
    }

    public List<String> names() {
        return byName.keySet().stream().sorted().toList();
    }

    public CoordinatorConfig.Site site(String name) {
        CoordinatorConfig.Site s = byName.get(name);
        if (s == null) {
            throw new IllegalArgumentException("no site named " + name);
        }
        return s;
    }

    public SshEndpoint endpoint(String name) {
        CoordinatorConfig.Site s = site(name);
        return new SshEndpoint(s.host(), s.port(), s.user(), Path.of(s.privateKey()), Path.of(s.knownHosts()), passphrase(name, s));
    }

    /** The site's key passphrase from its settings (inline wins over the file). */
    public static KeyPassphrase passphrase(String name, CoordinatorConfig.Site s) {
        return KeyPassphrase.from(s.privateKeyPassphrase(), s.privateKeyPassphraseFile().map(Path::of),
                "baton.coordinator.sites." + name + ".private-key-passphrase-file");
    }

    public Optional<String> dnsValue(String name) {
        return site(name).dnsValue();
    }

    private String byRole(String role) {
        return byName.entrySet().stream().filter(e -> e.getValue().role().equals(role)).map(Map.Entry::getKey)
                .sorted().findFirst().orElseThrow(() -> new IllegalStateException("no " + role + " site configured"));
    }
}
