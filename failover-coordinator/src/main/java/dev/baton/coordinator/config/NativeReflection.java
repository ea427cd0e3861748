package dev.baton.coordinator.config;

import dev.baton.coordinator.api.OperationView;
import dev.baton.coordinator.api.PlanView;
import dev.baton.coordinator.api.StatusDetail;
import dev.baton.coordinator.policy.Condition;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.store.AuditEntry;
import dev.baton.coordinator.store.HistoryEntry;
import io.quarkus.runtime.annotations.RegisterForReflection;

/**
 * The records Jackson writes or reads reflectively (API answers, the stored decision) and the types read through
 * reflection: the one place they are registered for native images.
 */
@RegisterForReflection(targets = {
        Decision.class, Condition.class, OperationView.class, OperationView.StepView.class, OperationView.SessionReleaseView.class, PlanView.class,
        PlanView.PlannedStep.class, StatusDetail.class, dev.baton.coordinator.api.ResolveRequest.class, HistoryEntry.class, AuditEntry.class,
        // the ZooKeeper store's znodes (JSON), and the client socket ZooKeeper instantiates by name
        dev.baton.coordinator.store.ZooKeeperStore.StateNode.class, dev.baton.coordinator.store.ZooKeeperStore.OperationNode.class,
        dev.baton.coordinator.store.ZooKeeperStore.HistoryNode.class, dev.baton.coordinator.store.ZooKeeperLeadership.Term.class,
        dev.baton.coordinator.store.StateRow.class, dev.baton.coordinator.store.OperationRow.class, dev.baton.coordinator.store.StepRow.class,
        dev.baton.coordinator.store.SessionRelease.class, org.apache.zookeeper.ClientCnxnSocketNIO.class,
        // POST /api/v1/replay's request and answer (a Response entity: not seen by the build's type inference)
        dev.baton.coordinator.api.ReplayResource.ReplayRequest.class, dev.baton.coordinator.api.ReplayResource.ReplayView.class,
        dev.baton.coordinator.api.ReplayResource.CandidateView.class, dev.baton.coordinator.api.ReplayResource.FailoverView.class,
        // the replay reads the policy keys' defaults and live values through the mapping's methods (replay.Candidate)
        CoordinatorConfig.class, CoordinatorConfig.Observers.class, CoordinatorConfig.Policy.class, CoordinatorConfig.Remediation.class
})
public final class NativeReflection {
    private NativeReflection() {
    }
}
