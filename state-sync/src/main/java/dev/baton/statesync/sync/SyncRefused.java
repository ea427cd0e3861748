package dev.baton.statesync.sync;

/**
 * A cycle that state-sync will not run because running it could lose or regress state. Nothing was
 * changed on the target. The message names the facts (both epochs, the share of deletions, the path).
 */
public class SyncRefused extends Exception {

    public enum Reason {
        /** The target holds state from a newer epoch than the request's. */
        STALE_EPOCH,
        /** The source is not the active site of the current epoch. */
        NOT_ACTIVE,
        /** The cycle would delete more than the configured share of the replicated files. */
        DELETE_THRESHOLD,
        /** A path or symlink would leave the site root. */
        PATH_ESCAPE,
        /** Unknown site, same site as source and target, or no active site set. */
        BAD_REQUEST
    }

    private final Reason reason;

    public SyncRefused(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
