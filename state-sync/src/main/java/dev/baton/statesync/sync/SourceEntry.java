package dev.baton.statesync.sync;

/**
 * One file or directory of the sync set as listed on the source.
 *
 * @param rel       path relative to the site root ({@code state/positions.json})
 * @param directory true for a directory
 * @param size      bytes (0 for directories)
 * @param mtime     modification time in epoch milliseconds (second resolution over SFTP v3)
 * @param mode      permission bits ({@code 0600}), without the file type
 * @param uid       numeric owner as the source reports it (-1 if unknown)
 * @param gid       numeric group (-1 if unknown)
 * @param readPath  absolute path to read the content from (differs from root + rel for an in-root symlink)
 */
public record SourceEntry(String rel, boolean directory, long size, long mtime, int mode, int uid, int gid, String readPath) {
}
