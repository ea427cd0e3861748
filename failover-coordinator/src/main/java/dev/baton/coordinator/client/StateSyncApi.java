package dev.baton.coordinator.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.common.wire.SyncRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** state-sync's API (DESIGN.md section 6). URL: {@code quarkus.rest-client.state-sync.url}. */
@RegisterRestClient(configKey = "state-sync")
@Path("/api/v1")
interface StateSyncApi {

    @POST
    @Path("/sync")
    JsonNode sync(@HeaderParam("Authorization") String authorization, SyncRequest request);

    @GET
    @Path("/status")
    JsonNode status();

    /** The site state-sync replicates from, and the epoch it follows. 404 when none is set. */
    @GET
    @Path("/active")
    JsonNode active();

    /** Names the active site of an epoch; state-sync refuses (409) an epoch older than the one it follows. */
    @PUT
    @Path("/active")
    JsonNode setActive(@HeaderParam("Authorization") String authorization, ActiveSite request);
}
