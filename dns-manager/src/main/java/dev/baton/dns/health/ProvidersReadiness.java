package dev.baton.dns.health;

import dev.baton.dns.provider.ProviderRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every provider account was built from its configuration and key material (the registry fails
 * startup otherwise). It never calls the providers: their outages must not take this service out of rotation.
 */
@Readiness
@ApplicationScoped
public class ProvidersReadiness implements HealthCheck {
    private final ProviderRegistry registry;

    public ProvidersReadiness(ProviderRegistry registry) {
        this.registry = registry;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("dns-providers").up()
                .withData("providers", registry.providers().size())
                .withData("zones", String.join(",", registry.zones().keySet()))
                .build();
    }
}
