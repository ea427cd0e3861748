package dev.baton.common.wire;

/** The verdict on one check or one site. A check starts UNKNOWN, never UP. */
public enum HealthStatus {
    UP,
    DOWN,
    UNKNOWN
}
