package dev.baton.common.wire;

/**
 * Coordinator {@code GET /api/v1/sites/{site}/lease}: whether {@code site} may keep running its engine, as its start
 * gate asks while the engine runs ({@code BATON_GATE_LEASE} in {@code deploy/site/baton-gate}). {@code epoch} and
 * {@code term} are the coordinator's, so that a gate can refuse to believe a coordinator older than what its site was
 * written; {@code reason} says why in words.
 */
public record SiteLease(String site, boolean granted, long epoch, long term, String reason) {
}
