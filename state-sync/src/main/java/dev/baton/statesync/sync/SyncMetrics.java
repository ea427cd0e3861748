package dev.baton.statesync.sync;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.ToDoubleFunction;

/**
 * state-sync's meters, {@code baton_statesync_*}. Tags are site names and fixed words only.
 */
@ApplicationScoped
public class SyncMetrics implements SyncEngine.Events {
    private final MeterRegistry registry;

    public SyncMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Lag gauge per target: seconds since the source state it last confirmed. */
    public <T> void lagGauge(String target, T state, ToDoubleFunction<T> lagSeconds) {
        Gauge.builder("baton_statesync_lag_seconds", state, lagSeconds)
                .description("seconds since the target last matched the active site (NaN before the first success)")
                .tag("target", target).register(registry);
    }

    public void cycle(String target, CycleResult r) {
        counter("baton_statesync_cycles", "target", target, "result", r.changed() ? "changed" : "unchanged").increment();
        if (r.changed()) {
            counter("baton_statesync_bytes", "target", target).increment(r.bytes());
            counter("baton_statesync_files", "target", target).increment(r.files());
        }
    }

    public void failure(String target) {
        counter("baton_statesync_failures", "target", target).increment();
    }

    public void refusal(String target, SyncRefused.Reason reason) {
        counter("baton_statesync_refusals", "target", target, "reason", reason.name().toLowerCase()).increment();
    }

    @Override
    public void checksumMismatch(String target) {
        counter("baton_statesync_checksum_mismatches", "target", target).increment();
    }

    @Override
    public void tornRead(String source) {
        counter("baton_statesync_torn_reads", "source", source).increment();
    }

    @Override
    public void streamed(String target, int files) {
        counter("baton_statesync_streamed_files", "target", target).increment(files);
    }

    private Counter counter(String name, String... tags) {
        return Counter.builder(name).tags(tags).register(registry);
    }
}
