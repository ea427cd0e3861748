package dev.baton.notifier.pipeline;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The whole "send it, and where?" decision for one alert, pure: dedup and repeat interval, resolution,
 * silences, inhibition and routing. The caller supplies what the store knows and applies the result.
 */
public final class AlertPolicy {
    private final Router router;
    private final List<InhibitRule> inhibitRules;
    private final Duration dedupWindow;
    private final Duration repeatInterval;

    public AlertPolicy(Router router, List<InhibitRule> inhibitRules, Duration dedupWindow, Duration repeatInterval) {
        this.router = router;
        this.inhibitRules = List.copyOf(inhibitRules);
        this.dedupWindow = dedupWindow;
        this.repeatInterval = repeatInterval;
    }

    /** The outcome: what happened, the channels to send to (empty unless it sends), and why in words. */
    public record Decision(Disposition disposition, Set<String> channels, String reason) {
        public Decision {
            channels = Collections.unmodifiableSet(new LinkedHashSet<>(channels)); // route order is delivery order
        }

        static Decision drop(Disposition d, String reason) {
            return new Decision(d, Set.of(), reason);
        }
    }

    /**
     * @param previous what is known under the alert's key, or null if nothing
     * @param silences silences (expired ones are ignored here)
     * @param firing   states of alerts currently firing, for inhibition
     */
    public Decision decide(Alert alert, AlertState previous, Collection<Silence> silences,
            Collection<AlertState> firing, Instant now) {
        boolean wasFiring = previous != null && previous.firing();
        if (alert.resolved()) {
            if (!wasFiring) {
                return Decision.drop(Disposition.NOTHING_TO_RESOLVE, "no firing alert under this key was notified");
            }
            return routed(alert, Disposition.RESOLVED, "was firing since the last notification");
        }
        Disposition sending = Disposition.NOTIFY;
        if (wasFiring) {
            Duration since = Duration.between(previous.lastNotifiedAt(), now);
            if (since.compareTo(dedupWindow) < 0) {
                return Decision.drop(Disposition.DUPLICATE, "same key notified " + since.toSeconds() + "s ago, within the dedup window");
            }
            if (since.compareTo(repeatInterval) < 0) {
                return Decision.drop(Disposition.DUPLICATE, "still firing; repeat due after " + repeatInterval);
            }
            sending = Disposition.REPEAT;
        }
        for (Silence s : silences) {
            if (s.mutes(alert, now)) {
                return Decision.drop(Disposition.SILENCED, "silence " + s.id());
            }
        }
        for (AlertState f : firing) {
            if (f.key().equals(alert.key())) {
                continue;
            }
            for (InhibitRule rule : inhibitRules) {
                if (rule.inhibits(f.labels(), alert)) {
                    return Decision.drop(Disposition.INHIBITED, "inhibited by firing alert " + f.key());
                }
            }
        }
        return routed(alert, sending, sending == Disposition.REPEAT ? "still firing after the repeat interval" : "new");
    }

    private Decision routed(Alert alert, Disposition d, String reason) {
        Set<String> channels = router.channelsFor(alert);
        if (channels.isEmpty()) {
            return Decision.drop(Disposition.UNROUTED, "no route matches");
        }
        return new Decision(d, channels, reason);
    }
}
