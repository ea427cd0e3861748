package dev.baton.common.wire;

/** The coordinator's state machine (DESIGN.md section 5); {@code frozen} is a separate flag. */
public enum FailoverState {
    PRIMARY_ACTIVE,
    FAILING_OVER,
    STANDBY_ACTIVE,
    FAILING_BACK,
    DEGRADED
}
