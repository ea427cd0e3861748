package dev.baton.common.api;

import dev.baton.common.wire.AlertRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import java.util.Map;

/** A test-only endpoint to exercise the shared auth filter and problem mapping. */
@Path("/test/probe")
public class ProbeResource {

    @GET
    public Map<String, String> read() {
        return Map.of("read", "open");
    }

    @POST
    public Map<String, String> write(@Valid @NotNull AlertRequest alert) {
        return Map.of("accepted", alert.title());
    }

    @DELETE
    @Path("{id}")
    public Map<String, String> delete(@PathParam("id") String id) {
        return Map.of("deleted", id);
    }

    @GET
    @Path("boom")
    public String boom() {
        throw new IllegalStateException("secret internals: password=hunter2");
    }
}
