package dev.baton.common.auth;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Every mutating REST call needs {@code Authorization: Bearer <token>}, and so does a read marked
 * {@link TokenRequired} (an export of recorded verdicts). Other reads stay open, and
 * {@code /q/health}, {@code /q/metrics} are not REST resources so they are never filtered.
 */
@ApplicationScoped
public class BearerTokenFilter {
    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final String PREFIX = "Bearer ";

    private final List<byte[]> tokenDigests;

    public BearerTokenFilter(AuthConfig config) {
        this.tokenDigests = config.tokens().stream().map(BearerTokenFilter::digest).toList();
    }

    @ServerRequestFilter(priority = Priorities.AUTHENTICATION)
    public Response filter(ContainerRequestContext request, jakarta.ws.rs.container.ResourceInfo resource) {
        if (!MUTATING.contains(request.getMethod()) && !tokenRequired(resource)) {
            return null;
        }
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            return unauthorized("missing bearer token");
        }
        return accepts(header.substring(PREFIX.length()).trim()) ? null : unauthorized("invalid bearer token");
    }

    private static boolean tokenRequired(jakarta.ws.rs.container.ResourceInfo resource) {
        return resource != null && (resource.getResourceMethod() != null && resource.getResourceMethod().isAnnotationPresent(TokenRequired.class)
                || resource.getResourceClass() != null && resource.getResourceClass().isAnnotationPresent(TokenRequired.class));
    }

    /** Compares digests so neither the content nor the length of a token leaks through timing. */
    public boolean accepts(String presented) {
        byte[] candidate = digest(presented);
        boolean match = false;
        for (byte[] known : tokenDigests) {
            match |= MessageDigest.isEqual(known, candidate);
        }
        return match;
    }

    private static Response unauthorized(String detail) {
        return Response.fromResponse(ProblemMappers.problem(Problem.of(401, "Unauthorized", detail)))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"baton\"")
                .build();
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
