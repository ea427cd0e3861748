package dev.baton.coordinator.runbook;

import dev.baton.common.wire.FailoverState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code baton_coordinator_*}: state (one gauge per state, 1 for the current one), epoch, operations by
 * kind and outcome, operation and step durations, time from the first DOWN verdict to the decision.
 * Tags are bounded enums: never site names from requests, never reasons.
 */
@ApplicationScoped
public class CoordinatorMetrics {
    private final MeterRegistry registry;
    private final AtomicReference<FailoverState> state = new AtomicReference<>(FailoverState.PRIMARY_ACTIVE);
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong frozen = new AtomicLong();

    public CoordinatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (FailoverState s : FailoverState.values()) {
            registry.gauge("baton.coordinator.state", io.micrometer.core.instrument.Tags.of("state", s.name()), state,
                    r -> r.get() == s ? 1 : 0);
        }
        registry.gauge("baton.coordinator.epoch", epoch);
        registry.gauge("baton.coordinator.frozen", frozen);
    }

    public void observe(FailoverState s, long e, boolean isFrozen) {
        state.set(s);
        epoch.set(e);
        frozen.set(isFrozen ? 1 : 0);
    }

    public void operation(String kind, String outcome, Duration took) {
        registry.counter("baton.coordinator.operations", "kind", kind, "outcome", outcome).increment();
        Timer.builder("baton.coordinator.operation.duration").tag("kind", kind).tag("outcome", outcome)
                .register(registry).record(took);
    }

    public void step(String type, String outcome, Duration took) {
        Timer.builder("baton.coordinator.step.duration").tag("type", type).tag("outcome", outcome)
                .register(registry).record(took);
    }

    public void decision(String action) {
        registry.counter("baton.coordinator.decisions", "action", action).increment();
    }

    public void detectionToDecision(Duration took) {
        Timer.builder("baton.coordinator.detection.to.decision").register(registry).record(took);
    }

    public void splitBrain() {
        registry.counter("baton.coordinator.split.brain.fences").increment();
    }
}
