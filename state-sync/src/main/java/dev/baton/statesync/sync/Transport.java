package dev.baton.statesync.sync;

/**
 * How file content travels between two sites ({@code baton.sync.transfer.transport}).
 *
 * <ul>
 * <li>{@link #STREAM}: one {@code tar} stream per cycle over an SSH exec channel on each side
 * (source {@code tar -c} → state-sync, which hashes every entry → target {@code tar -x} into the
 * staging directory), one file-system flush and one batched {@code sha256sum} on the target.
 * Needs a shell with GNU tar and coreutils on both sites, and the same paths for exec and SFTP.</li>
 * <li>{@link #SFTP}: every file read, written, fsynced and verified with SFTP requests. Works where
 * only the SFTP subsystem is allowed (e.g. {@code ForceCommand internal-sftp}).</li>
 * <li>{@link #AUTO}: {@link #STREAM} between two sites that pass the probe, else {@link #SFTP}.</li>
 * </ul>
 * Either way the cycle's protocol (stage, verify, one atomic switch) is the same; files the stream
 * could not deliver cleanly (changed while read, checksum mismatch) are redone one by one over SFTP.
 */
public enum Transport {
    AUTO, STREAM, SFTP
}
