package dev.baton.dns.api;

import dev.baton.common.wire.SwitchRequest;
import dev.baton.dns.switching.PrepareOutcome;
import dev.baton.dns.switching.PrepareRequest;
import dev.baton.dns.switching.SwitchOutcome;
import dev.baton.dns.switching.SwitchService;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Compare-and-set switch and the TTL-lowering prepare step. Both need a bearer token (common filter). */
@Path("/api/v1")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class SwitchResource {
    private final SwitchService service;

    public SwitchResource(SwitchService service) {
        this.service = service;
    }

    @POST
    @Path("/switch")
    @Operation(summary = "Change the record from 'from' to 'to'; succeed unchanged if it is already 'to'; 409 otherwise")
    public SwitchOutcome switchRecord(@Valid @NotNull SwitchRequest request, @QueryParam("provider") String provider,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(Actor.HEADER) String actor) {
        return service.switchRecord(request, Optional.ofNullable(provider), Actor.of(authorization, actor));
    }

    @POST
    @Path("/prepare")
    @Operation(summary = "Lower the record's TTL ahead of a failover (default 60 s)")
    public PrepareOutcome prepare(@Valid @NotNull PrepareRequest request, @QueryParam("provider") String provider,
            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, @HeaderParam(Actor.HEADER) String actor) {
        return service.prepare(request, Optional.ofNullable(provider), Actor.of(authorization, actor));
    }
}
