package dev.baton.coordinator.ui;

import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.common.annotation.Blocking;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** The read-only status page at {@code /}: rendered on the server, then kept live by {@code /status.js} over SSE. */
@Path("/")
public class StatusPageResource {
    private final Template status;
    private final DashboardBuilder dashboard;

    public StatusPageResource(Template status, DashboardBuilder dashboard) {
        this.status = status;
        this.dashboard = dashboard;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Blocking
    public TemplateInstance page() {
        return status.data("d", dashboard.build());
    }
}
