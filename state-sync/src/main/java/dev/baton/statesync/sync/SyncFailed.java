package dev.baton.statesync.sync;

/**
 * A cycle that could not complete (site unreachable, transfer cut, checksum never verified). The
 * target still shows its previous complete version.
 */
public class SyncFailed extends Exception {
    public SyncFailed(String message, Throwable cause) {
        super(message, cause);
    }

    public SyncFailed(String message) {
        super(message);
    }
}
