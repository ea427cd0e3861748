package dev.baton.healthchecker.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import dev.baton.healthchecker.probe.CheckDefinition;
import dev.baton.healthchecker.verdict.VerdictBook;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The configured checks with their current state, last error, latency and certificate expiry. */
@Path("/api/v1/checks")
@Produces(MediaType.APPLICATION_JSON)
public class CheckResource {
    private final VerdictBook book;

    public CheckResource(VerdictBook book) {
        this.book = book;
    }

    @GET
    @Operation(summary = "Every check: definition and current state")
    public List<CheckView> checks() {
        return book.checks().stream().map(c -> CheckView.of(c, book.state(c.name()))).toList();
    }

    @GET
    @Path("/{name}")
    @Operation(summary = "One check: definition and current state")
    public CheckView check(@PathParam("name") String name) {
        CheckDefinition check = book.checks().stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new WebApplicationException(ProblemMappers.problem(
                        Problem.of(404, "Not Found", "no check named '" + name + "'"))));
        return CheckView.of(check, book.state(name));
    }
}
