package dev.baton.coordinator.runbook;

import dev.baton.common.wire.SiteLease;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StateRow;
import dev.baton.coordinator.store.StepRow;
import java.util.List;

/**
 * Whether {@code site} may keep running its engine, as a site's start gate asks while the engine runs
 * ({@code GET /api/v1/sites/{site}/lease}, {@code BATON_GATE_LEASE}). Granted while the site is the active site and
 * no operation moves away from it, and, while one does, until its fence step has begun: from the moment that step is
 * journaled no coordinator grants the lease, so an unreachable site's gate has stopped its engine one lease after
 * the fence began, which is when the fence may presume it stopped. Decided from a fresh read of the decision store.
 */
public final class SiteLeases {
    private SiteLeases() {
    }

    /** What {@code state} (and, during an operation, {@code op} and its {@code steps}) says about {@code site}. */
    public static SiteLease judge(String site, StateRow state, OperationRow op, List<StepRow> steps, long term) {
        long epoch = state.epoch();
        if (state.currentOperation() == null || op == null) {
            return site.equals(state.activeSite())
                    ? new SiteLease(site, true, epoch, term, site + " is the active site at epoch " + epoch)
                    : new SiteLease(site, false, epoch, term, state.activeSite() + " is the active site at epoch " + epoch + ", not " + site);
        }
        String what = op.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + op.id() + " (" + op.fromSite() + " -> " + op.toSite() + ")";
        if (site.equals(op.toSite())) {
            return site.equals(state.activeSite())
                    ? new SiteLease(site, true, epoch, term, site + " started by " + what + " at epoch " + epoch)
                    : new SiteLease(site, false, epoch, term, what + " has not started " + site + " yet");
        }
        if (site.equals(op.fromSite())) {
            boolean fencing = steps.stream().noneMatch(s -> s.type().equals("fence"))
                    || steps.stream().anyMatch(s -> s.type().equals("fence") && s.status() != StepRow.Status.PENDING);
            return fencing
                    ? new SiteLease(site, false, epoch, term, what + " is fencing " + site + " at epoch " + epoch)
                    : new SiteLease(site, true, epoch, term, what + " has not begun fencing " + site + " at epoch " + epoch);
        }
        return new SiteLease(site, false, epoch, term, site + " is not part of " + what);
    }
}
