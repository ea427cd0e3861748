package dev.baton.notifier.pipeline;

/** What the notifier did with an accepted alert. */
public enum Disposition {
    /** First notification of a firing alert. */
    NOTIFY,
    /** Still firing and the repeat interval has passed: sent again. */
    REPEAT,
    /** A firing alert is resolved: the resolution is sent. */
    RESOLVED,
    /** Same key within the dedup window or before the repeat interval: not sent. */
    DUPLICATE,
    /** Resolved but nothing was firing under that key: not sent. */
    NOTHING_TO_RESOLVE,
    /** Matched an active silence: not sent. */
    SILENCED,
    /** A firing alert inhibits it: not sent. */
    INHIBITED,
    /** No route matched: not sent. */
    UNROUTED;

    public boolean sends() {
        return this == NOTIFY || this == REPEAT || this == RESOLVED;
    }
}
