package dev.baton.coordinator.policy;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.HealthStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether to fail over: verdicts, clock and history in, a {@link Decision} out, nothing else.
 * Every condition is evaluated every time so the decision explains itself, whatever the outcome.
 * A refused decision is only a record: it never changes the state machine.
 */
public final class FailoverPolicy {

    public static final String STATE = "state";
    public static final String AUTOMATIC = "automatic-enabled";
    public static final String ACTIVE_DOWN = "active-down-by-quorum";
    public static final String CONFIRMED = "down-for-confirmation-time";
    public static final String NOT_FROZEN = "not-frozen";
    public static final String OUTSIDE_WINDOW = "outside-maintenance-window";
    public static final String COOLDOWN = "cooldown-elapsed";
    public static final String DAILY_CAP = "under-daily-cap";
    public static final String TARGET_UP = "target-up-by-quorum";
    public static final String TARGET_FRESH = "target-state-fresh";
    public static final String REMEDIATED = "remediation-tried";

    private static final Duration DAY = Duration.ofHours(24);

    /** Should the coordinator fail over on its own now? */
    public Decision decideAutomatic(PolicyInput in) {
        PolicySettings s = in.settings();
        List<Condition> c = new ArrayList<>();
        Instant now = in.now();

        boolean stateOk = !in.operationRunning()
                && (in.state() == FailoverState.PRIMARY_ACTIVE && in.activeIsPrimary()
                || in.state() == FailoverState.STANDBY_ACTIVE && !in.activeIsPrimary() && s.automaticFailback());
        c.add(Condition.of(STATE, stateOk, in.operationRunning() ? "an operation is running"
                : in.state() == FailoverState.DEGRADED ? "DEGRADED: automatic actions wait for an operator"
                : in.state() == FailoverState.STANDBY_ACTIVE && !s.automaticFailback() ? "STANDBY_ACTIVE: failback is manual"
                : "state " + in.state()));
        c.add(Condition.of(AUTOMATIC, s.automatic(), s.automatic() ? "automatic failover on" : "automatic failover off in config"));

        Quorum down = quorum(in, in.activeSite(), HealthStatus.DOWN);
        c.add(Condition.of(ACTIVE_DOWN, down.reached(), down.describe(in.activeSite(), "DOWN")));

        Instant downSince = null;
        boolean confirmed = false;
        String confirmDetail = "active site not down by quorum";
        if (down.reached()) {
            downSince = down.since();
            Instant counted = downSince;
            for (MaintenanceWindow w : s.windows()) {
                Optional<Instant> end = w.latestEndIn(counted, now);
                if (end.isPresent() && end.get().isAfter(counted)) {
                    counted = end.get();
                }
            }
            Duration held = Duration.between(counted, now);
            confirmed = held.compareTo(s.confirmation()) >= 0;
            confirmDetail = "down by quorum for " + seconds(held) + " of " + seconds(s.confirmation())
                    + (counted.equals(downSince) ? "" : " (time inside maintenance windows not counted)");
        }
        c.add(Condition.of(CONFIRMED, confirmed, confirmDetail));
        addFrozen(c, in);
        Optional<MaintenanceWindow.Occurrence> window = s.windows().stream()
                .map(w -> w.occurrenceAt(now)).flatMap(Optional::stream).findFirst();
        c.add(Condition.of(OUTSIDE_WINDOW, window.isEmpty(), window
                .map(o -> "inside a maintenance window until " + o.end()).orElse("no maintenance window now")));
        addCooldown(c, in, false);
        addCap(c, in, false);
        addTarget(c, in, true);

        Decision.Action action;
        boolean othersHold = c.stream().filter(x -> !x.name().equals(CONFIRMED) && !x.name().equals(ACTIVE_DOWN)).allMatch(Condition::held);
        if (!down.reached() || window.isPresent()) {
            // failures inside a maintenance window do not count: not even as a refusal
            action = Decision.Action.NONE;
        } else if (!confirmed) {
            action = Decision.Action.WAIT;
        } else if (!othersHold) {
            action = Decision.Action.REFUSED;
        } else if (s.remediation()) {
            Instant r = in.remediatedAt();
            boolean tried = r != null && !r.isBefore(downSince);
            boolean graceOver = tried && !now.isBefore(r.plus(s.remediationGrace()));
            c.add(Condition.of(REMEDIATED, graceOver, !tried ? "engine not restarted yet in this outage"
                    : graceOver ? "engine restarted at " + r + " and still down after " + seconds(s.remediationGrace())
                    : "engine restarted at " + r + "; grace until " + r.plus(s.remediationGrace())));
            action = !tried ? Decision.Action.REMEDIATE : graceOver ? Decision.Action.PROCEED : Decision.Action.WAIT;
        } else {
            action = Decision.Action.PROCEED;
        }
        return new Decision(action, now, in.activeSite(), in.otherSite(), c, down.firstDown());
    }

    /**
     * An operator asked to move from the active site to the other one. Freeze and maintenance windows do
     * not stop an operator; {@code force} skips cooldown and the daily cap; target health still counts,
     * and fencing is never skipped (it is not a condition here but the runbook's first promise).
     */
    public Decision decideManual(PolicyInput in, boolean force, boolean failback) {
        List<Condition> c = new ArrayList<>();
        FailoverState expected = failback ? FailoverState.STANDBY_ACTIVE : FailoverState.PRIMARY_ACTIVE;
        boolean direction = failback != in.activeIsPrimary();
        boolean stateOk = !in.operationRunning() && direction
                && (in.state() == expected || in.state() == FailoverState.DEGRADED);
        c.add(Condition.of(STATE, stateOk, in.operationRunning() ? "an operation is running"
                : !direction ? (failback ? "the primary is already active" : "the standby is already active")
                : "state " + in.state()));
        Condition frozen = frozenCondition(in);
        c.add(Condition.of(NOT_FROZEN, true, frozen.held() ? frozen.detail() : frozen.detail() + " (manual operations allowed)"));
        addCooldown(c, in, force);
        addCap(c, in, force || failback);
        // failback starts by re-syncing from the active standby, so only the target's health counts
        addTarget(c, in, !failback);
        boolean all = c.stream().allMatch(Condition::held);
        return new Decision(all ? Decision.Action.PROCEED : Decision.Action.REFUSED, in.now(),
                in.activeSite(), in.otherSite(), c, null);
    }

    private static void addFrozen(List<Condition> c, PolicyInput in) {
        c.add(frozenCondition(in));
    }

    private static Condition frozenCondition(PolicyInput in) {
        boolean frozen = in.frozen() && (in.frozenUntil() == null || in.now().isBefore(in.frozenUntil()));
        return Condition.of(NOT_FROZEN, !frozen, frozen
                ? "frozen" + (in.frozenUntil() == null ? " until unfrozen" : " until " + seconds(in.frozenUntil())) : "not frozen");
    }

    private static void addCooldown(List<Condition> c, PolicyInput in, boolean force) {
        Instant until = in.lastOperationEnd() == null ? null : in.lastOperationEnd().plus(in.settings().cooldown());
        boolean elapsed = until == null || !in.now().isBefore(until);
        c.add(Condition.of(COOLDOWN, elapsed || force, until == null ? "no earlier operation"
                : elapsed ? "cooldown ended at " + seconds(until)
                : "cooldown until " + seconds(until) + (force ? " (skipped: force)" : "")));
    }

    /** Instants in reasons are read by people: whole seconds, no microseconds. */
    private static Instant seconds(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS);
    }

    private static void addCap(List<Condition> c, PolicyInput in, boolean skip) {
        Instant since = in.now().minus(DAY);
        long count = in.failovers().stream().filter(t -> t.isAfter(since) && !t.isAfter(in.now())).count();
        int cap = in.settings().dailyCap();
        c.add(Condition.of(DAILY_CAP, count < cap || skip, count + " of " + cap + " failovers in the last 24 h"
                + (count >= cap && skip ? " (skipped)" : "")));
    }

    private static void addTarget(List<Condition> c, PolicyInput in, boolean checkFreshness) {
        PolicySettings s = in.settings();
        if (s.requireStandbyUp()) {
            Quorum up = quorum(in, in.otherSite(), HealthStatus.UP, true);
            c.add(Condition.of(TARGET_UP, up.reached(), up.describe(in.otherSite(),
                    s.targetReadyIgnores() == null ? "UP" : "ready (checks matching " + s.targetReadyIgnores() + " aside)")));
        } else {
            c.add(Condition.of(TARGET_UP, true, "not required by config"));
        }
        if (checkFreshness) {
            Instant synced = in.otherSyncedAt();
            Duration age = synced == null ? null : Duration.between(synced, in.now());
            boolean fresh = age != null && age.compareTo(s.maxSyncAge()) <= 0;
            c.add(Condition.of(TARGET_FRESH, fresh, synced == null ? "no successful sync to " + in.otherSite() + " known"
                    : "state synced to " + in.otherSite() + " " + seconds(age) + " ago (limit " + seconds(s.maxSyncAge()) + ")"));
        }
    }

    /** Counts the observers that are configured, not stale, and see {@code site} in {@code status}. */
    static Quorum quorum(PolicyInput in, String site, HealthStatus status) {
        return quorum(in, site, status, false);
    }

    /** As above; with {@code readiness}, a site is judged by {@link ObserverView#readinessOf} (the target of a handover). */
    static Quorum quorum(PolicyInput in, String site, HealthStatus status, boolean readiness) {
        PolicySettings s = in.settings();
        List<Instant> sinces = new ArrayList<>();
        List<String> stale = new ArrayList<>();
        List<String> silent = new ArrayList<>();
        for (String name : s.observers().stream().sorted().toList()) {
            ObserverView v = in.observers().get(name);
            if (v == null) {
                silent.add(name);
            } else if (Duration.between(v.observedAt(), in.now()).compareTo(s.staleness()) > 0) {
                stale.add(name);
            } else if ((readiness ? v.readinessOf(site, s.targetReadyIgnores()) : v.statusOf(site)) == status) {
                ObserverView.SiteView sv = v.sites().get(site);
                sinces.add(sv.since() == null ? v.observedAt() : sv.since());
            }
        }
        sinces.sort(Comparator.naturalOrder());
        boolean reached = sinces.size() >= s.quorum();
        return new Quorum(reached, sinces.size(), s.quorum(), s.observers().size(),
                reached ? sinces.get(s.quorum() - 1) : null, sinces.isEmpty() ? null : sinces.get(0), stale, silent);
    }

    /** {@code since}: when the quorum was first reached (the quorum-th earliest change); {@code firstDown}: the earliest. */
    record Quorum(boolean reached, int agreeing, int needed, int configured, Instant since, Instant firstDown,
            List<String> stale, List<String> silent) {

        String describe(String site, String status) {
            StringBuilder b = new StringBuilder().append(agreeing).append(" of ").append(configured)
                    .append(" observers see ").append(site).append(' ').append(status).append(" (quorum ").append(needed).append(')');
            if (!stale.isEmpty()) {
                b.append("; stale, abstaining: ").append(String.join(", ", stale));
            }
            if (!silent.isEmpty()) {
                b.append("; never reported: ").append(String.join(", ", silent));
            }
            return b.toString();
        }
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }
}
