package dev.baton.coordinator.client;

import dev.baton.common.wire.AlertRequest;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** notifier's API (DESIGN.md section 6). URL: {@code quarkus.rest-client.notifier.url}. */
@RegisterRestClient(configKey = "notifier")
@Path("/api/v1")
interface NotifierApi {

    @POST
    @Path("/alerts")
    Response alert(@HeaderParam("Authorization") String authorization, AlertRequest request);
}
