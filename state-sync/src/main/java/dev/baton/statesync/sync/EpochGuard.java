package dev.baton.statesync.sync;

import java.util.Optional;

/**
 * The fencing rule (pure): state only flows from the active site of the current epoch, and never
 * onto a site that holds state from a newer epoch. A recovered old primary can never overwrite
 * newer state.
 */
public final class EpochGuard {
    private EpochGuard() {
    }

    /** The active site and epoch state-sync currently follows, and the highest leadership term seen for that epoch. */
    public record Active(String site, long epoch, long term) {
    }

    /** Checks a request against the active site before any I/O. */
    public static void checkRequest(Optional<Active> active, String from, String to, long epoch, long term) throws SyncRefused {
        if (from.equals(to)) {
            throw new SyncRefused(SyncRefused.Reason.BAD_REQUEST, "refused: source and target are both " + from);
        }
        if (active.isEmpty()) {
            throw new SyncRefused(SyncRefused.Reason.NOT_ACTIVE,
                    "refused: no active site is set; set one with PUT /api/v1/active before syncing");
        }
        Active a = active.get();
        if (epoch < a.epoch()) {
            throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: request epoch " + epoch
                    + " is older than the current epoch " + a.epoch());
        }
        if (epoch > a.epoch()) {
            throw new SyncRefused(SyncRefused.Reason.NOT_ACTIVE, "refused: request epoch " + epoch
                    + " is newer than the epoch " + a.epoch() + " state-sync follows; set the active site of epoch "
                    + epoch + " first (PUT /api/v1/active)");
        }
        if (term < a.term()) {
            throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: request term " + term + " is older than the term "
                    + a.term() + " seen for epoch " + epoch + ": a deposed coordinator");
        }
        if (!a.site().equals(from)) {
            throw new SyncRefused(SyncRefused.Reason.NOT_ACTIVE, "refused: source " + from
                    + " is not the active site of epoch " + a.epoch() + " (active: " + a.site() + ")");
        }
    }

    /** Checks the epoch the target holds against the request's. */
    public static void checkTarget(String target, long targetEpoch, long requestEpoch) throws SyncRefused {
        if (targetEpoch > requestEpoch) {
            throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: target " + target + " is at epoch "
                    + targetEpoch + ", newer than the request's epoch " + requestEpoch);
        }
    }
}
