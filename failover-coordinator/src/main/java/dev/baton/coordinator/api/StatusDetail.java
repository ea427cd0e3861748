package dev.baton.coordinator.api;

import dev.baton.common.wire.CoordinatorStatus;
import dev.baton.coordinator.policy.Decision;

/** {@code GET /api/v1/status/detail}: the wire status plus leadership and the last automatic decision with every condition. */
public record StatusDetail(CoordinatorStatus status, String instance, boolean leader, String currentLeader, Decision lastDecision,
        Decision lastStoredRefusal) {
}
