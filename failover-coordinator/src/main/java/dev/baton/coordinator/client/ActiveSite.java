package dev.baton.coordinator.client;

/** state-sync's active site: where replication flows from, and the epoch it follows ({@code /api/v1/active}). */
public record ActiveSite(String site, long epoch) {
}
