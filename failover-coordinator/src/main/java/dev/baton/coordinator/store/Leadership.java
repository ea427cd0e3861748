package dev.baton.coordinator.store;

import dev.baton.common.wire.CoordinatorStatus;
import java.util.Optional;

/**
 * Which coordinator instance acts. Only the leader decides, runs the runbook and writes; the others serve reads.
 * Each time leadership changes hands the term grows; the leader sends its term with every command to a site or to
 * state-sync, which refuse a lower one than they have seen.
 */
public interface Leadership {

    /**
     * Takes or confirms leadership (called every tick).
     *
     * @return true when this instance has just become leader: it then resumes what its predecessor left running
     */
    boolean renew();

    /** Whether this instance may act now. False at once when its store session is suspended or lost. */
    boolean isLeader();

    /** This instance's name ({@code baton.coordinator.leader.id}). */
    String id();

    /** The leader's name, if one is known. */
    Optional<String> current();

    /** This leader's term while it leads; the last known term otherwise (for status). */
    long term();

    /**
     * The term to send with a command: this instance's own, only while it leads. Never the term of another leader
     * (a deposed leader must not borrow its successor's).
     *
     * @throws NotLeader when this instance does not lead
     */
    default long actingTerm() {
        long t = term();
        if (!isLeader()) {
            throw new NotLeader(id() + " does not lead: no term to act with");
        }
        return t;
    }

    /** Gives leadership up (at shutdown) so another instance takes over at once. */
    void resign();

    /** Whether this instance's store session is up now (cheap: for metrics). */
    boolean connected();

    /** The decision store as this instance sees it, for status. */
    CoordinatorStatus.Decider decider();
}
