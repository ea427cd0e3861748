package dev.baton.coordinator.runbook;

import dev.baton.coordinator.store.OperationRow;
import java.time.Instant;

/** What the steps of one running operation share. */
final class OperationContext {
    final OperationRow op;
    /** Set by the fence step: whether the old site answered SSH. Null = not known yet (try, then fall back). */
    volatile Boolean fromReachable;
    /**
     * Set by the fence step: whether it powered the old site off (its fencing endpoint) — then nothing there runs,
     * its database neither; a site presumed fenced by its lease has only its engine stopped.
     */
    volatile boolean fromPoweredOff;
    /** Set by pg-fence-old: how the old site's database was kept from taking writes. Null = not fenced (yet). */
    volatile PostgresSteps.OldDatabase oldDatabase;
    volatile boolean vetoed;
    volatile String vetoedBy;
    volatile Instant stepStartedAt;
    /** The journal index of the step running now. */
    volatile int stepIndex;

    /** The leadership term of the instance running the operation: sent with every command to a site or state-sync. */
    final long term;

    OperationContext(OperationRow op, long term) {
        this.op = op;
        this.term = term;
    }

    String from() {
        return op.fromSite();
    }

    String to() {
        return op.toSite();
    }

    long epoch() {
        return op.epoch();
    }

    String site(RunbookStep step) {
        return "from".equals(step.site()) ? from() : to();
    }

    String render(String template) {
        return template == null ? null : template.replace("{kind}", op.kind().name().toLowerCase(java.util.Locale.ROOT))
                .replace("{from}", from()).replace("{to}", to()).replace("{epoch}", Long.toString(epoch()))
                .replace("{reason}", op.reason()).replace("{operation}", op.id().toString());
    }
}
