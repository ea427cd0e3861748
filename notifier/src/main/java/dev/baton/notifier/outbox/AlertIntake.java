package dev.baton.notifier.outbox;

import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Severity;
import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.pipeline.Alert;
import dev.baton.notifier.pipeline.AlertPolicy;
import dev.baton.notifier.pipeline.Grouping;
import dev.baton.notifier.pipeline.InhibitRule;
import dev.baton.notifier.pipeline.Route;
import dev.baton.notifier.pipeline.Router;
import dev.baton.notifier.store.AcceptedAlert;
import dev.baton.notifier.store.OutboxStore;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** Turns an alert request into a committed outbox entry: decides with {@link AlertPolicy}, stores, wakes the worker. */
@ApplicationScoped
public class AlertIntake {
    private final OutboxStore store;
    private final OutboxWorker worker;
    private final NotifierMetrics metrics;
    private final Clock clock;
    private final AlertPolicy policy;
    private final NotifierConfig.Pipeline pipeline;
    private final boolean inhibits;

    public AlertIntake(NotifierConfig config, OutboxStore store, OutboxWorker worker, NotifierMetrics metrics, Clock clock) {
        this.store = store;
        this.worker = worker;
        this.metrics = metrics;
        this.clock = clock;
        this.pipeline = config.pipeline();
        this.policy = policyOf(config);
        this.inhibits = !config.inhibit().isEmpty();
    }

    /** The pure policy the configuration describes. */
    public static AlertPolicy policyOf(NotifierConfig config) {
        List<Route> routes = config.routes().stream()
                .map(r -> new Route(r.severities().stream().map(Severity::valueOf).collect(Collectors.toSet()),
                        r.labels(), r.channels(), r.continueMatching()))
                .toList();
        List<InhibitRule> rules = config.inhibit().stream()
                .map(i -> new InhibitRule(i.source(), i.target(), i.equal().orElse(List.of())))
                .toList();
        return new AlertPolicy(new Router(routes), rules, config.pipeline().dedupWindow(), config.pipeline().repeatInterval());
    }

    public Uni<AcceptedAlert> accept(AlertRequest request) {
        return accept(toAlert(request, clock), false);
    }

    /** Re-raises a still-firing alert (the repeat reminder): the same policy decides, at the current time. */
    public Uni<AcceptedAlert> remind(Alert latest) {
        Alert again = new Alert(latest.key(), latest.severity(), latest.title(), latest.message(), latest.source(),
                latest.labels(), false, clock.instant());
        return accept(again, true);
    }

    private Uni<AcceptedAlert> accept(Alert alert, boolean reminder) {
        return store.accept(alert, policy, (channel, a) -> Grouping.key(channel, a, pipeline.groupBy()), pipeline.groupWait(),
                        inhibits, reminder)
                .invoke(accepted -> {
                    metrics.accepted(accepted.disposition());
                    if (accepted.disposition().sends()) {
                        worker.wakeAfter(pipeline.groupWait());
                    }
                });
    }

    static Alert toAlert(AlertRequest r, Clock clock) {
        return new Alert(keyOf(r), r.severity(), r.title().strip(), r.message(), r.source(), r.labels(), r.resolved(), clock.instant());
    }

    /** The dedupKey if given, else a fingerprint of source, title and labels (so a resolve matches its firing alert). */
    public static String keyOf(AlertRequest r) {
        if (r.dedupKey() != null && !r.dedupKey().isBlank()) {
            return r.dedupKey().strip();
        }
        String labels = new TreeMap<>(r.labels()).entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining("\u0000"));
        String material = (r.source() == null ? "" : r.source()) + "\u0001" + r.title().strip() + "\u0001" + labels;
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(material.getBytes(StandardCharsets.UTF_8));
            return "fp:" + HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
