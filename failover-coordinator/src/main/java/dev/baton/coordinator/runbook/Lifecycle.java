package dev.baton.coordinator.runbook;

import dev.baton.coordinator.config.ConfigValidator;
import dev.baton.coordinator.config.CoordinatorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Start-up checks and recovery, the policy tick, the split-brain guard, and a clean hand-over at shutdown. */
@ApplicationScoped
public class Lifecycle {
    private static final Logger LOG = Logger.getLogger(Lifecycle.class);

    private final Coordinator coordinator;
    private final CoordinatorConfig config;

    public Lifecycle(Coordinator coordinator, CoordinatorConfig config) {
        this.coordinator = coordinator;
        this.config = config;
    }

    void onStart(@Observes StartupEvent event) {
        ConfigValidator.checkAtStartup(config);
        coordinator.startUp();
    }

    void onStop(@Observes ShutdownEvent event) {
        coordinator.lease().resign();
    }

    @Scheduled(every = "${baton.coordinator.tick}", delayed = "${baton.coordinator.tick}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            coordinator.renewLease();
            coordinator.evaluate();
        } catch (RuntimeException e) {
            LOG.warnf(e, "policy tick failed");
        }
    }

    @Scheduled(every = "${baton.coordinator.guard.interval}", delayed = "${baton.coordinator.guard.interval}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void guard() {
        try {
            coordinator.guard();
        } catch (RuntimeException e) {
            LOG.warnf(e, "split-brain guard failed");
        }
    }
}
