package dev.baton.statesync.sync;

/** A path would leave the site root (absolute, {@code ..}, or a symlink pointing outside). */
public class PathEscapeException extends Exception {
    public PathEscapeException(String message) {
        super(message);
    }
}
