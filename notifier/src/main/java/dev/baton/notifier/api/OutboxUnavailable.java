package dev.baton.notifier.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

/**
 * An alert that could not be committed was not accepted: the caller gets 503 with Retry-After (never a 202, never
 * a bare 500) and must send it again. The cause goes to the log only.
 */
final class OutboxUnavailable {
    private static final Logger LOG = Logger.getLogger(OutboxUnavailable.class);

    private OutboxUnavailable() {
    }

    static Response response(Throwable cause) {
        LOG.warnf("alert not accepted, the outbox database is unavailable: %s", cause.toString());
        return Response.fromResponse(ProblemMappers.problem(Problem.of(503, "Outbox unavailable",
                "the alert was not stored; send it again")))
                .header("Retry-After", "5")
                .build();
    }
}
