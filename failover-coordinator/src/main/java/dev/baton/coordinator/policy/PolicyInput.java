package dev.baton.coordinator.policy;

import dev.baton.common.wire.FailoverState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the policy looks at, captured at one instant.
 *
 * @param activeSite        the site running the engine now
 * @param otherSite         the site a failover would move to
 * @param activeIsPrimary   whether leaving the active site is a failover (true) or a failback (false)
 * @param operationRunning  an operation is in flight
 * @param failovers         start times of past failovers (from stored history; any age)
 * @param lastOperationEnd  when the last operation of any kind ended (null: none)
 * @param otherSyncedAt     when state was last synced to {@code otherSite} (null: unknown)
 * @param remediatedAt      when the engine on the active site was last restarted by remediation (null: never)
 */
public record PolicyInput(
        Instant now,
        FailoverState state,
        String activeSite,
        String otherSite,
        boolean activeIsPrimary,
        boolean frozen,
        Instant frozenUntil,
        boolean operationRunning,
        Map<String, ObserverView> observers,
        List<Instant> failovers,
        Instant lastOperationEnd,
        Instant otherSyncedAt,
        Instant remediatedAt,
        PolicySettings settings) {

    public PolicyInput {
        observers = Map.copyOf(observers);
        failovers = List.copyOf(failovers);
    }
}
