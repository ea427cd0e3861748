package dev.baton.healthchecker.health;

import dev.baton.healthchecker.schedule.ProbeScheduler;
import dev.baton.healthchecker.verdict.VerdictBook;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the probe scheduler runs. The sites' health is the product, not this service's readiness. */
@Readiness
@ApplicationScoped
public class ProbingReadiness implements HealthCheck {
    private final ProbeScheduler scheduler;
    private final VerdictBook book;

    public ProbingReadiness(ProbeScheduler scheduler, VerdictBook book) {
        this.scheduler = scheduler;
        this.book = book;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("probing")
                .status(scheduler.running())
                .withData("checks", book.checks().size())
                .build();
    }
}
