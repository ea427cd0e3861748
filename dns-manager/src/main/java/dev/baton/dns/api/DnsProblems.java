package dev.baton.dns.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.ProviderException;
import dev.baton.dns.switching.InvalidRequestException;
import dev.baton.dns.switching.SwitchConflictException;
import dev.baton.dns.switching.SwitchOutcome.RecordView;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps dns-manager's own failures to problem JSON: bad input 400, compare-and-set refusal 409, provider trouble 502/503. */
public class DnsProblems {
    private static final Logger LOG = Logger.getLogger(DnsProblems.class);

    /** RFC 7807 body with the record's current value(s) as an extension member. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConflictProblem(String type, String title, int status, String detail, List<RecordView> current) {
    }

    @ServerExceptionMapper
    public Response invalid(InvalidRequestException e) {
        return ProblemMappers.problem(Problem.of(400, "Invalid request", e.getMessage()));
    }

    @ServerExceptionMapper
    public Response conflict(SwitchConflictException e) {
        List<RecordView> current = e.current().stream().map(DnsProblems::view).toList();
        return Response.status(409).type(Problem.MEDIA_TYPE)
                .entity(new ConflictProblem("about:blank", "Record is not in the expected state", 409, e.getMessage(), current))
                .build();
    }

    @ServerExceptionMapper
    public Response provider(ProviderException e) {
        LOG.warnf("provider call failed: %s", e.getMessage());
        if (e.kind() == ProviderException.Kind.RATE_LIMITED) {
            Response.ResponseBuilder b = Response.fromResponse(ProblemMappers.problem(Problem.of(503, "Provider rate limit", e.getMessage())));
            if (e.retryAfter() != null) {
                b.header("Retry-After", Math.max(1, e.retryAfter().toSeconds()));
            }
            return b.build();
        }
        String title = switch (e.kind()) {
            case AUTH -> "Provider refused our credentials";
            case REJECTED -> "Provider rejected the request";
            default -> "Provider unavailable";
        };
        return ProblemMappers.problem(Problem.of(502, title, e.getMessage()));
    }

    private static RecordView view(DnsRecord r) {
        return new RecordView(r.value(), r.ttl(), r.proxied(), r.id());
    }
}
