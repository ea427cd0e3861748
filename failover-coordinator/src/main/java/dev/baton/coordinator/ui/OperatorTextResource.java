package dev.baton.coordinator.ui;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import dev.baton.coordinator.store.HistoryEntry;
import io.smallrye.common.annotation.Blocking;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.util.UUID;

/**
 * Plain-text tables for terminals ({@code bin/baton} prints these as they come, so it needs only curl):
 * {@code GET /api/v1/text/status}, {@code /api/v1/text/history}, {@code /api/v1/text/operations/{id}}.
 * Read-only, like the JSON they summarise.
 */
@Path("/api/v1/text")
@Produces(MediaType.TEXT_PLAIN)
@Blocking
public class OperatorTextResource {
    private final DashboardBuilder dashboard;

    public OperatorTextResource(DashboardBuilder dashboard) {
        this.dashboard = dashboard;
    }

    @GET
    @Path("/status")
    public String status() {
        return TextRendering.status(dashboard.build());
    }

    @GET
    @Path("/history")
    public String history(@QueryParam("limit") @DefaultValue("30") @Min(1) @Max(1000) int limit) {
        StringBuilder out = new StringBuilder(String.format("%-20s  %-22s  %s%n", "AT (UTC)", "KIND", "SUMMARY"));
        for (HistoryEntry h : dashboard.history(limit)) {
            out.append(String.format("%-20s  %-22s  %s%n", Formats.time(h.at()), h.kind(), h.summary()));
        }
        return out.toString();
    }

    @GET
    @Path("/operations/{id}")
    public String operation(@PathParam("id") String id) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id.length() > 40 ? id.substring(0, 40) : id);
        }
        return dashboard.operation(uuid).map(TextRendering::operation)
                .orElseThrow(() -> notFound(id));
    }

    private static WebApplicationException notFound(String id) {
        return new WebApplicationException(ProblemMappers.problem(Problem.of(404, "Not Found", "no operation " + id)));
    }
}
