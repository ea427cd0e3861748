package dev.baton.notifier.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.AlertRequest;
import dev.baton.common.wire.Problem;
import dev.baton.notifier.outbox.AlertIntake;
import dev.baton.notifier.store.AcceptedAlert;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Receives Prometheus Alertmanager's webhook (payload version 4), so an existing Alertmanager routes through Baton:
 * {@code webhook_configs: [{url: http://notifier:7084/api/v1/alertmanager, http_config: {authorization: {credentials: <token>}}}]}.
 */
@Path("/api/v1/alertmanager")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AlertmanagerResource {
    private final AlertIntake intake;
    private final Validator validator;

    public AlertmanagerResource(AlertIntake intake, Validator validator) {
        this.intake = intake;
        this.validator = validator;
    }

    /** 202 once every alert of the payload is committed, with one result per alert in payload order. */
    @POST
    public Uni<Response> receive(@NotNull(message = "an Alertmanager payload is required") @Valid AlertmanagerWebhook payload) {
        if (!"4".equals(payload.version())) {
            return Uni.createFrom().item(ProblemMappers.problem(Problem.of(400, "Unsupported payload version",
                    "Alertmanager webhook payload version 4 is supported, got '" + payload.version() + "'")));
        }
        List<AlertRequest> alerts = payload.toAlerts();
        Set<ConstraintViolation<AlertRequest>> violations = new HashSet<>();
        alerts.forEach(a -> violations.addAll(validator.validate(a)));
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        // One after the other, so a firing and a resolved alert of the same payload keep their order.
        return Multi.createFrom().iterable(alerts)
                .onItem().transformToUniAndConcatenate(intake::accept)
                .collect().asList()
                .map(results -> Response.accepted(new Results(results)).build())
                .onFailure().recoverWithItem(OutboxUnavailable::response);
    }

    /** The answer: what happened to each alert. */
    public record Results(List<AcceptedAlert> alerts) {
    }
}
