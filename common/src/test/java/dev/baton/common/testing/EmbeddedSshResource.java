package dev.baton.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * {@code @WithTestResource(value = EmbeddedSshResource.class, initArgs = {
 * @ResourceArg(name = "prefix", value = "baton.sites.primary"), @ResourceArg(name = "services", value = "engine,gateway")})}:
 * a real SSH server for one site whose {@code docker compose} is a {@link ComposeEmulator}.
 * Publishes {@code <prefix>.host/port/user/private-key/known-hosts/root} as configuration.
 */
public class EmbeddedSshResource implements QuarkusTestResourceLifecycleManager {
    private String prefix = "baton.test.ssh";
    private String services = "trading-engine";
    private EmbeddedSshServer server;

    @Override
    public void init(Map<String, String> initArgs) {
        prefix = initArgs.getOrDefault("prefix", prefix);
        services = initArgs.getOrDefault("services", services);
    }

    @Override
    public Map<String, String> start() {
        try {
            ComposeEmulator compose = new ComposeEmulator(prefix, new LinkedHashSet<>(Arrays.asList(services.split(","))));
            server = EmbeddedSshServer.start(Files.createTempDirectory("baton-site"), compose);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                prefix + ".host", server.host(),
                prefix + ".port", String.valueOf(server.port()),
                prefix + ".user", server.user(),
                prefix + ".private-key", server.privateKey().toString(),
                prefix + ".known-hosts", server.knownHosts().toString(),
                prefix + ".root", server.root().toString());
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(server,
                new TestInjector.AnnotatedAndMatchesType(InjectSshServer.class, EmbeddedSshServer.class));
    }

    @Override
    public void stop() {
        if (server != null) {
            try {
                server.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
