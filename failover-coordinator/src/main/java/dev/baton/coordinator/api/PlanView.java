package dev.baton.coordinator.api;

import dev.baton.coordinator.policy.Decision;
import java.util.List;
import java.util.UUID;

/**
 * Answer to a failover or failback request: for a dry run, what would happen and whether it would be
 * allowed; otherwise the operation that started (follow it at {@code GET /api/v1/operations/{operation}}).
 */
public record PlanView(boolean dryRun, boolean wouldProceed, UUID operation, Decision decision, List<PlannedStep> steps) {

    /**
     * One step: what it does, and, in a dry run of a database step ({@code pg-*}), its precondition as it stands now
     * ({@code now}: reachability, role, lag; absent otherwise).
     */
    public record PlannedStep(int index, String name, String type, String does,
            @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String now) {
    }
}
