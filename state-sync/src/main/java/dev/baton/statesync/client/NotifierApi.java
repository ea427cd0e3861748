package dev.baton.statesync.client;

import dev.baton.common.wire.AlertRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The notifier's alert intake (DESIGN.md section 6); wrapped by {@link NotifierClient}. */
@Path("/api/v1/alerts")
@RegisterRestClient(configKey = "notifier")
interface NotifierApi {

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    void send(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, AlertRequest alert);
}
