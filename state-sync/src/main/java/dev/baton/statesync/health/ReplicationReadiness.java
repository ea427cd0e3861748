package dev.baton.statesync.health;

import dev.baton.statesync.sync.Replicator;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready means state-sync can do its job now: DOWN while the last cycle to any target failed (a site unreachable, a
 * host key that does not match, a key the site refuses, a refusal such as a stale epoch), with the reason per target;
 * UP again after the next cycle to it succeeds. Targets not tried yet (no active site, continuous replication off)
 * do not make it DOWN.
 */
@Readiness
@ApplicationScoped
public class ReplicationReadiness implements HealthCheck {
    private final Replicator replicator;

    public ReplicationReadiness(Replicator replicator) {
        this.replicator = replicator;
    }

    @Override
    public HealthCheckResponse call() {
        Map<String, String> failing = replicator.failingTargets();
        HealthCheckResponseBuilder b = HealthCheckResponse.named("replication").status(failing.isEmpty());
        failing.forEach((target, reason) -> b.withData("target." + target, reason));
        return b.build();
    }
}
