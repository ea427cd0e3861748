package dev.baton.coordinator.client;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.common.wire.SwitchRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** dns-manager's API (DESIGN.md section 6). URL: {@code quarkus.rest-client.dns-manager.url}. */
@RegisterRestClient(configKey = "dns-manager")
@Path("/api/v1")
interface DnsManagerApi {

    @POST
    @Path("/switch")
    JsonNode switchRecord(@HeaderParam("Authorization") String authorization, SwitchRequest request);

    @GET
    @Path("/propagation")
    JsonNode propagation(@QueryParam("name") String name, @QueryParam("type") String type,
            @QueryParam("expected") String expected, @QueryParam("wait") String wait);
}
