package dev.baton.coordinator.store;

import dev.baton.common.wire.FailoverState;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Where the coordinator keeps what it needs to decide, resume and explain: the lifecycle state and epoch, the
 * operations and their step journal, the freeze, the failover times the cooldown and the rolling-24 h cap count,
 * history and audit. Two implementations ({@code baton.coordinator.store}): {@link PostgresStore} (one database,
 * single-site) and {@link ZooKeeperStore} (a quorum across the places, every write conditional on leadership).
 *
 * <p>Methods block: call them from worker threads only. A write refused because this instance no longer leads
 * throws {@link NotLeader}; a store that cannot be reached (no quorum, database down) throws
 * {@link StoreUnavailable}.
 */
public interface CoordinatorStore {

    /** A step of an operation's plan as the journal records it. */
    record PlannedStep(String name, String type) {
    }

    /**
     * Creates the state on first start: {@code activeSite} active at {@code epoch} (the primary at 0 on a new
     * install). Changes nothing once state exists; any instance may call it.
     */
    void initialise(String activeSite, FailoverState state, long epoch);

    StateRow state();

    /**
     * The state as of no earlier than this call: every write committed before it is seen. A site's lease is judged
     * from this. The database store's reads already are; ZooKeeper's server syncs with its leader first.
     */
    default StateRow syncedState() {
        return state();
    }

    /** The state as last read, for status while the store cannot be reached; empty before the first read. */
    default Optional<StateRow> lastKnownState() {
        return Optional.empty();
    }

    /**
     * Starts an operation if the state is still what the caller decided on: same state, same epoch, none running.
     * Bumps the epoch to {@code op.epoch()}, records a failover's start for the cap and journals every planned step
     * as PENDING in one atomic write, so a coordinator killed at any instant leaves either no operation or one whose
     * whole plan the next leader can resume. False = someone else acted first.
     */
    boolean begin(OperationRow op, List<PlannedStep> plan, FailoverState expectedState, long expectedEpoch, FailoverState newState);

    /**
     * Ends an operation and sets the resulting state, only if the stored epoch is still the operation's (a
     * coordinator whose epoch was overtaken cannot write). False = refused as stale.
     */
    boolean finish(UUID id, long epoch, OperationRow.Status status, FailoverState newState, String activeSite, String detail, Instant at);

    /** Records which site now runs the engine (set as soon as the new site's stack is started). */
    void setActiveSite(String site);

    /** Moves to DEGRADED outside an operation (e.g. the split-brain guard could not fence). */
    void degrade();

    /** Leaves DEGRADED for {@code state}, only if still DEGRADED with nothing running. */
    boolean resolve(FailoverState state);

    void setRpo(UUID id, double seconds);

    /** Journals how the broker released the fenced engine's session (before the start step may run). */
    void setSessionRelease(UUID id, SessionRelease release);

    void setRemediatedAt(Instant at);

    void setLastDecision(String json);

    void freeze(String reason, Instant until);

    void unfreeze();

    Optional<OperationRow> operation(UUID id);

    /** The most recent operations, newest first. */
    List<OperationRow> operations(int limit);

    /** Operations the journal shows RUNNING, oldest first. */
    List<OperationRow> running();

    /** Start times of failovers (not failbacks) since {@code since}: the rolling daily cap counts these. */
    List<Instant> failoversSince(Instant since);

    void stepStarted(UUID op, int index, Instant at);

    /** What a running step is doing now (a long wait explains itself in the operation view and on the status page). */
    void stepProgress(UUID op, int index, String detail);

    void stepFinished(UUID op, int index, StepRow.Status status, String detail, Instant at);

    List<StepRow> steps(UUID op);

    void history(String kind, UUID operation, String summary);

    /** The most recent history entries, newest first. */
    List<HistoryEntry> history(int limit);

    void audit(String action, String actor, String reason, String detail);

    /** The most recent operator commands, newest first. */
    List<AuditEntry> audit(int limit);
}
