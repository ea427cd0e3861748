package dev.baton.dns.provider.cloudflare;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The part of the Cloudflare API v4 dns-manager uses; built per account by {@link CloudflareProvider}. */
@Produces(MediaType.APPLICATION_JSON)
interface CloudflareApi {

    @GET
    @Path("/zones")
    Response zones(@QueryParam("name") String name, @QueryParam("page") int page, @QueryParam("per_page") int perPage);

    @GET
    @Path("/zones/{zoneId}/dns_records")
    Response records(@PathParam("zoneId") String zoneId, @QueryParam("type") String type, @QueryParam("name") String name,
            @QueryParam("page") int page, @QueryParam("per_page") int perPage);

    @PATCH
    @Path("/zones/{zoneId}/dns_records/{recordId}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response patch(@PathParam("zoneId") String zoneId, @PathParam("recordId") String recordId, JsonNode body);
}
