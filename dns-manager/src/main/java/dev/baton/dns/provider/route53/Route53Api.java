package dev.baton.dns.provider.route53;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** The part of the Route 53 REST (XML) API dns-manager uses; built per account by {@link Route53Provider}. */
@Path("/2013-04-01")
@Produces(MediaType.TEXT_XML)
interface Route53Api {

    @GET
    @Path("/hostedzonesbyname")
    Response hostedZonesByName(@QueryParam("dnsname") String dnsName, @QueryParam("maxitems") String maxItems);

    @GET
    @Path("/hostedzone/{zoneId}/rrset")
    Response listRecordSets(@PathParam("zoneId") String zoneId, @QueryParam("name") String name,
            @QueryParam("type") String type, @QueryParam("maxitems") String maxItems);

    @POST
    @Path("/hostedzone/{zoneId}/rrset/")
    @Consumes(MediaType.TEXT_XML)
    Response changeRecordSets(@PathParam("zoneId") String zoneId, String changeBatchXml);

    @GET
    @Path("/change/{changeId}")
    Response getChange(@PathParam("changeId") String changeId);
}
