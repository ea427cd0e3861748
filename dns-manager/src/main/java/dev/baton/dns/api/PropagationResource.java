package dev.baton.dns.api;

import dev.baton.common.api.QueryDurations;
import dev.baton.dns.propagation.PropagationChecker;
import dev.baton.dns.propagation.PropagationReport;
import dev.baton.dns.switching.InvalidRequestException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Is the change live at every authoritative nameserver? Optionally waits (polls) for it. */
@Path("/api/v1/propagation")
@Produces(MediaType.APPLICATION_JSON)
public class PropagationResource {
    private final PropagationChecker checker;

    public PropagationResource(PropagationChecker checker) {
        this.checker = checker;
    }

    @GET
    @Operation(summary = "Ask each authoritative nameserver (recursion off) whether it answers the expected value")
    public PropagationReport check(@QueryParam("name") String name, @QueryParam("type") String type,
            @QueryParam("expected") String expected, @QueryParam("nameservers") String nameservers,
            @QueryParam("wait") String wait, @QueryParam("cachesExpireAt") String cachesExpireAt) {
        List<String> ns = nameservers == null || nameservers.isBlank() ? List.of()
                : Arrays.stream(nameservers.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        return checker.check(name, type, expected, ns, parseWait(wait), parseInstant(cachesExpireAt));
    }

    static java.time.Instant parseInstant(String s) {
        if (s == null || s.isBlank()) {
            return null;
        }
        try {
            return java.time.Instant.parse(s.trim());
        } catch (RuntimeException e) {
            throw new InvalidRequestException("cachesExpireAt must be an ISO-8601 instant, e.g. 2026-01-01T00:00:00Z");
        }
    }

    /** {@code wait} as configuration takes it ({@code 30}, {@code 5s}, {@code 500ms}, {@code PT30S}); absent = one round. */
    static Duration parseWait(String wait) {
        try {
            return QueryDurations.parse("wait", wait).orElse(Duration.ZERO);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
    }
}
