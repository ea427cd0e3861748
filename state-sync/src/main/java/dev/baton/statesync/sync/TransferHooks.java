package dev.baton.statesync.sync;

import java.io.OutputStream;

/**
 * Points in a cycle where a test can inject what real life does to a transfer: bytes corrupted on
 * the way, a file rewritten while it is read, a server dying after some files. Production uses
 * {@link #NONE}.
 */
public interface TransferHooks {
    TransferHooks NONE = new TransferHooks() {
    };

    /** Wraps the stream that writes {@code rel} to the target's staging area (write attempt from 1). */
    default OutputStream targetStream(String rel, int attempt, OutputStream out) {
        return out;
    }

    /** Called after {@code rel}'s content was read from the source, before it is checked for change. */
    default void sourceRead(String rel, int attempt) {
    }

    /** Called after {@code rel} was staged and verified on the target. */
    default void staged(String rel) {
    }
}
