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

    /** The record as the zone's provider holds it now: {@code {zone, name, type, provider, records: [{value, ttl, proxied, id}]}}. */
    @GET
    @Path("/records")
    JsonNode records(@QueryParam("zone") String zone, @QueryParam("name") String name, @QueryParam("type") String type);

    @GET
    @Path("/propagation")
    JsonNode propagation(@QueryParam("name") String name, @QueryParam("type") String type,
            @QueryParam("expected") String expected, @QueryParam("wait") String wait);
}
