package dev.baton.statesync.sync;

import java.time.Instant;

/**
 * One synced version kept on a site.
 *
 * @param site    where it is kept
 * @param id      snapshot id (UTC creation time, sortable)
 * @param epoch   epoch of the sync that wrote it
 * @param created when it was written
 * @param files   files it holds
 * @param bytes   bytes it holds
 * @param current true if the site's live paths point at it
 */
public record SnapshotInfo(String site, String id, long epoch, Instant created, long files, long bytes, boolean current) {
}
