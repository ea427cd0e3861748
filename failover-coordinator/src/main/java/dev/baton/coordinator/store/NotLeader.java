package dev.baton.coordinator.store;

/**
 * A write refused by the store because this instance no longer leads (its leadership node is gone: session lost,
 * or another instance leads). Nothing of the write landed; the runbook stops at once and leaves the operation to
 * the next leader, which resumes it from the journal.
 */
public class NotLeader extends RuntimeException {
    public NotLeader(String message) {
        super(message, null, false, false);
    }
}
