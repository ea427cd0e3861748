package dev.baton.coordinator.api;

import dev.baton.common.wire.Problem;
import dev.baton.common.api.ProblemMappers;
import dev.baton.coordinator.store.NotLeader;
import dev.baton.coordinator.store.StoreUnavailable;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The decision store's refusals as problem JSON, for every resource: a 503 that says why, never a 500. */
public class StoreProblems {

    @ServerExceptionMapper
    public Response unavailable(StoreUnavailable e) {
        return ProblemMappers.problem(Problem.of(503, "Decision store unavailable", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response notLeader(NotLeader e) {
        return ProblemMappers.problem(Problem.of(503, "Not the leader", e.getMessage()));
    }
}
