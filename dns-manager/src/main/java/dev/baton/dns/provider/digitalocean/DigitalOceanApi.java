package dev.baton.dns.provider.digitalocean;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The part of the DigitalOcean API v2 dns-manager uses; built per account by {@link DigitalOceanProvider}. */
@Produces(MediaType.APPLICATION_JSON)
@Path("/v2/domains/{domain}/records")
interface DigitalOceanApi {

    /** {@code name} is the FQDN here, while the records returned carry relative names ({@code www}, {@code @}). */
    @GET
    Response records(@PathParam("domain") String domain, @QueryParam("name") String fqdn, @QueryParam("type") String type,
            @QueryParam("page") int page, @QueryParam("per_page") int perPage);

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    Response update(@PathParam("domain") String domain, @PathParam("id") String id, JsonNode body);
}
