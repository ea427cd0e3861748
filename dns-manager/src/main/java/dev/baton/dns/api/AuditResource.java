package dev.baton.dns.api;

import dev.baton.dns.audit.AuditEntry;
import dev.baton.dns.audit.AuditLog;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Recent change attempts, newest first (the durable copy is the JSON-lines file, when configured). */
@Path("/api/v1/audit")
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {
    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @Operation(summary = "Recent audited changes, newest first")
    public List<AuditEntry> recent(@QueryParam("limit") @DefaultValue("100") int limit) {
        return audit.recent(Math.max(1, Math.min(limit, 1000)));
    }
}
