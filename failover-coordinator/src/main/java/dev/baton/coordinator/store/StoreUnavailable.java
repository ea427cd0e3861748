package dev.baton.coordinator.store;

/** The decision store cannot be reached: no ZooKeeper quorum, or the database is down. Nothing was written. */
public class StoreUnavailable extends RuntimeException {
    public StoreUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
