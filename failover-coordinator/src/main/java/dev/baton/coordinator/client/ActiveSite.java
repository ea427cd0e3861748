package dev.baton.coordinator.client;

/**
 * state-sync's active site: where replication flows from, the epoch it follows and the highest leadership term it has
 * seen for that epoch ({@code /api/v1/active}).
 */
public record ActiveSite(String site, long epoch, long term) {
}
