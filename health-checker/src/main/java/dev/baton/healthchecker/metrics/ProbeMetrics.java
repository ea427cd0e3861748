package dev.baton.healthchecker.metrics;

import dev.baton.common.wire.HealthStatus;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.probe.ProbeOutcome;
import dev.baton.healthchecker.verdict.CheckState;
import dev.baton.healthchecker.verdict.VerdictBook;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The health-checker's meters. Tags are only configured names (check, site, type), never targets,
 * errors or URLs, so series stay bounded and secrets stay out. Status gauges read 1 for UP,
 * 0 for DOWN and -1 for UNKNOWN.
 */
@ApplicationScoped
public class ProbeMetrics {
    /** Fixed buckets: a handful of series per check, so a thousand checks stay cheap to scrape. */
    private static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<String, Timer> latency = new ConcurrentHashMap<>();
    private final Map<String, Counter> skipped = new ConcurrentHashMap<>();
    private final Timer lag;

    public ProbeMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.lag = Timer.builder("baton_health_checker_scheduling_lag")
                .description("How late a probe started after its planned time")
                .publishPercentiles(0.5, 0.99)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(100_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Registers the gauges of every check and site in {@code book}. */
    public void bind(VerdictBook book) {
        for (CheckDefinition c : book.checks()) {
            Gauge.builder("baton_health_checker_check_up", book, b -> value(b.state(c.name()).status()))
                    .description("Check status: 1 UP, 0 DOWN, -1 UNKNOWN")
                    .tags(checkTags(c))
                    .register(registry);
            latency.put(c.name(), Timer.builder("baton_health_checker_probe_duration")
                    .description("Time one probe took, to its verdict")
                    .tags(checkTags(c))
                    .serviceLevelObjectives(LATENCY_BUCKETS)
                    .register(registry));
            if (c.options() instanceof CheckDefinition.Http http && "https".equals(http.uri().getScheme())) {
                Gauge.builder("baton_health_checker_certificate_expiry_timestamp_seconds", book,
                                b -> b.state(c.name()).certificateNotAfter().map(t -> (double) t.getEpochSecond()).orElse(Double.NaN))
                        .description("Expiry (Unix time) of the leaf certificate the target presented")
                        .tags(checkTags(c))
                        .register(registry);
            }
            skipped.put(c.name(), Counter.builder("baton_health_checker_probes_skipped")
                    .description("Probes not started because the previous one of the same check was still running")
                    .tags(checkTags(c))
                    .register(registry));
        }
        for (String site : book.sites().keySet()) {
            Gauge.builder("baton_health_checker_site_up", book, b -> value(b.site(site).status()))
                    .description("Site status from its critical checks: 1 UP, 0 DOWN, -1 UNKNOWN")
                    .tag("site", site)
                    .register(registry);
        }
    }

    public void schedulingLag(long nanos) {
        lag.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
    }

    public void skipped(CheckDefinition check) {
        skipped.get(check.name()).increment();
    }

    public void probed(CheckDefinition check, ProbeOutcome outcome, CheckState before, CheckState after) {
        if (outcome.latency() != null) {
            latency.get(check.name()).record(outcome.latency());
        }
        if (after.isTransitionFrom(before)) {
            registry.counter("baton_health_checker_transitions", checkTags(check).and("to", after.status().name())).increment();
        }
    }

    private static Tags checkTags(CheckDefinition c) {
        return Tags.of("check", c.name(), "site", c.site(), "type", c.type().wireName());
    }

    private static double value(HealthStatus status) {
        return switch (status) {
            case UP -> 1;
            case DOWN -> 0;
            case UNKNOWN -> -1;
        };
    }
}
