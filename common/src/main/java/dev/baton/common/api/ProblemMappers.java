package dev.baton.common.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.baton.common.wire.Problem;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ValidationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Maps every failure to RFC 7807 problem JSON. Bad input is a 400 with a reason; an unexpected
 * failure is a 500 whose body says nothing about internals (the stack trace goes to the log only).
 */
public class ProblemMappers {
    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);
    private static final int MAX_DETAIL = 500;

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e) {
        List<Problem.Violation> violations = e.getConstraintViolations().stream()
                .map(v -> new Problem.Violation(fieldOf(v), v.getMessage()))
                .sorted(Comparator.comparing(Problem.Violation::field))
                .toList();
        String detail = violations.stream()
                .map(v -> v.field() + ": " + v.message())
                .collect(Collectors.joining("; "));
        return problem(new Problem("about:blank", "Invalid request", 400, truncate(detail), violations));
    }

    @ServerExceptionMapper
    public Response validation(ValidationException e) {
        return problem(Problem.of(400, "Invalid request", truncate(e.getMessage())));
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e) {
        return problem(Problem.of(400, "Malformed JSON", describe(e)));
    }

    /** Replaces Quarkus' built-in mapper for this type so the body is problem JSON too. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e) {
        return problem(Problem.of(400, "Malformed JSON", describe(e)));
    }

    @ServerExceptionMapper
    public Response webApplication(WebApplicationException e) {
        Response original = e.getResponse();
        if (original.hasEntity()) {
            return original;
        }
        if (e.getCause() instanceof JsonProcessingException json) {
            return json(json);
        }
        int status = original.getStatus();
        String title = original.getStatusInfo().getReasonPhrase();
        return problem(Problem.of(status, title, status >= 500 ? null : truncate(e.getMessage())));
    }

    @ServerExceptionMapper
    public Response unexpected(Throwable e) {
        LOG.error("unexpected failure while serving a request", e);
        return problem(Problem.of(500, "Internal error", "the failure was logged; the request may be retried"));
    }

    public static Response problem(Problem p) {
        return Response.status(p.status()).type(Problem.MEDIA_TYPE).entity(p).build();
    }

    private static String fieldOf(ConstraintViolation<?> v) {
        // "submit.body.title" -> "title": the method and parameter names mean nothing to a caller
        String path = v.getPropertyPath().toString();
        String[] parts = path.split("\\.", 3);
        return parts.length == 3 ? parts[2] : path;
    }

    private static String describe(JsonProcessingException e) {
        String where = "";
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            where = " at " + pathOf(m);
        } else if (e.getLocation() != null) {
            where = " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
        }
        return truncate(firstLine(e.getOriginalMessage()) + where);
    }

    private static String pathOf(JsonMappingException m) {
        return m.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."))
                .replace(".[", "[");
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable body";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String truncate(String s) {
        if (s == null || s.length() <= MAX_DETAIL) {
            return s;
        }
        return s.substring(0, MAX_DETAIL) + "…";
    }
}
