package dev.baton.statesync.api;

import dev.baton.common.wire.SyncTargetStatus;
import java.util.List;

/** Response bodies of the sync API. */
public final class SyncView {
    private SyncView() {
    }

    /** {@code GET /api/v1/status}. */
    public record Status(String activeSite, Long epoch, boolean continuous, List<SyncTargetStatus> targets) {
    }

    /** {@code PUT/GET /api/v1/active}. */
    public record Active(String site, long epoch, long term) {
    }

    /** {@code POST /api/v1/sync}: what the cycle did. */
    public record CycleDone(String from, String to, long epoch, boolean changed, String snapshotId, long files, long bytes,
            long totalFiles, int deleted, List<String> unstable) {
    }
}
