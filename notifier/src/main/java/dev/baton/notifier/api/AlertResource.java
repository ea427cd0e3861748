package dev.baton.notifier.api;

import dev.baton.common.wire.AlertRequest;
import dev.baton.notifier.outbox.AlertIntake;
import dev.baton.notifier.store.AlertView;
import dev.baton.notifier.store.OutboxStore;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/** Accepts alerts into the durable outbox and lists them with their per-channel delivery state. */
@Path("/api/v1/alerts")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AlertResource {
    private final AlertIntake intake;
    private final OutboxStore store;

    public AlertResource(AlertIntake intake, OutboxStore store) {
        this.intake = intake;
        this.store = store;
    }

    /** 202 once the alert and its outbox rows are committed (the body says what will happen to it); 503 if they could not be. */
    @POST
    public Uni<Response> submit(@NotNull(message = "an alert body is required") @Valid AlertRequest alert) {
        return intake.accept(alert)
                .map(accepted -> Response.accepted(accepted).build())
                .onFailure().recoverWithItem(OutboxUnavailable::response);
    }

    /** Newest first. {@code state=dead} lists only alerts with a dead-lettered delivery. */
    @GET
    public Uni<List<AlertView>> list(
            @QueryParam("limit") @DefaultValue("50") @Min(1) @Max(500) int limit,
            @QueryParam("state") @Pattern(regexp = "all|dead", message = "state is 'all' or 'dead'") @DefaultValue("all") String state) {
        return store.recent(limit, "dead".equals(state));
    }
}
