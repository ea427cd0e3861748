package dev.baton.dns.api;

import dev.baton.dns.switching.RecordKey;
import dev.baton.dns.switching.SwitchOutcome.RecordView;
import dev.baton.dns.switching.SwitchService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Reads records as the provider holds them now (not as resolvers cache them). */
@Path("/api/v1/records")
@Produces(MediaType.APPLICATION_JSON)
public class RecordsResource {
    private final SwitchService service;

    public RecordsResource(SwitchService service) {
        this.service = service;
    }

    /** The answer: which account serves the zone and its records of that name and type. */
    public record RecordsView(String zone, String name, String type, String provider, List<RecordView> records) {
    }

    @GET
    @Operation(summary = "Records of a name and type, read from the zone's provider")
    public RecordsView records(@QueryParam("zone") String zone, @QueryParam("name") String name,
            @QueryParam("type") String type, @QueryParam("provider") String provider) {
        RecordKey key = service.key(zone, name, type == null ? "A" : type, Optional.ofNullable(provider));
        List<RecordView> records = service.records(key).stream()
                .map(r -> new RecordView(r.value(), r.ttl(), r.proxied(), r.id()))
                .toList();
        return new RecordsView(key.zone(), key.fqdn(), key.type().name(), key.target().provider().name(), records);
    }
}
