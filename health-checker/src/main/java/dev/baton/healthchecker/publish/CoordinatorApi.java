package dev.baton.healthchecker.publish;

import dev.baton.common.wire.VerdictReport;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

/** The coordinator's verdict intake (DESIGN.md section 6). Built per coordinator URL by {@link CoordinatorPusher}. */
@Path("/api/v1/verdicts")
interface CoordinatorApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    Uni<Void> push(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, VerdictReport report);
}
