package dev.baton.healthchecker.api;

import dev.baton.common.wire.VerdictReport;
import dev.baton.healthchecker.verdict.VerdictBook;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** This observer's verdicts on every site (DESIGN.md section 6). */
@Path("/api/v1/verdicts")
public class VerdictResource {
    private final VerdictBook book;

    public VerdictResource(VerdictBook book) {
        this.book = book;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The current verdict on every site, with the state of each check")
    public VerdictReport verdicts() {
        return book.report();
    }

    @GET
    @Path("/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: the current report at once, then the full report after every change of status")
    public Multi<VerdictReport> stream() {
        return book.currentAndChanges();
    }
}
