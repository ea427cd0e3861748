package dev.baton.common.wire;

/** How loud an alert is. Routing in the notifier keys on this. */
public enum Severity {
    INFO,
    WARNING,
    CRITICAL
}
