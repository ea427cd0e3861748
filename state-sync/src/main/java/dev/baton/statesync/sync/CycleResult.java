package dev.baton.statesync.sync;

import java.util.List;

/**
 * What one cycle did.
 *
 * @param snapshotId the version now current on the target, or null if nothing had changed
 * @param files      files copied (new or changed)
 * @param bytes      bytes copied
 * @param totalFiles files in the target's current version
 * @param deleted    files removed compared with the previous version
 * @param unstable   files that changed during every read and kept their previous version
 * @param listedAtMillis when the source was listed (local clock): the replicated state is at least this fresh
 */
public record CycleResult(String snapshotId, long files, long bytes, long totalFiles, int deleted, List<String> unstable,
        long listedAtMillis) {

    public boolean changed() {
        return snapshotId != null;
    }
}
