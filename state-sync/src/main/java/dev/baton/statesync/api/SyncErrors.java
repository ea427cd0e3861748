package dev.baton.statesync.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import dev.baton.statesync.sync.SyncFailed;
import dev.baton.statesync.sync.SyncRefused;
import jakarta.ws.rs.core.Response;

/** How refusals and failures of the sync engine look on the wire (problem JSON, never a 500). */
final class SyncErrors {
    private SyncErrors() {
    }

    static Response refused(SyncRefused e) {
        return switch (e.reason()) {
            case STALE_EPOCH -> ProblemMappers.problem(Problem.of(409, "Stale epoch", e.getMessage()));
            case NOT_ACTIVE -> ProblemMappers.problem(Problem.of(409, "Source is not the active site", e.getMessage()));
            case DELETE_THRESHOLD -> ProblemMappers.problem(Problem.of(409, "Delete threshold exceeded", e.getMessage()));
            case PATH_ESCAPE -> ProblemMappers.problem(Problem.of(422, "Path outside the site root", e.getMessage()));
            case BAD_REQUEST -> ProblemMappers.problem(Problem.of(e.getMessage().startsWith("unknown site") ? 404 : 400,
                    "Invalid request", e.getMessage()));
        };
    }

    static Response failed(SyncFailed e) {
        return ProblemMappers.problem(Problem.of(502, "Sync failed", e.getMessage()));
    }

    static Response notFound(String detail) {
        return ProblemMappers.problem(Problem.of(404, "Not found", detail));
    }
}
