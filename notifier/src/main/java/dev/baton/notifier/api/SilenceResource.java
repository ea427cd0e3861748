package dev.baton.notifier.api;

import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.Problem;
import dev.baton.notifier.pipeline.Silence;
import dev.baton.notifier.store.OutboxStore;
import io.smallrye.mutiny.Uni;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Silences: mute matching alerts until they expire (or are deleted). */
@Path("/api/v1/silences")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class SilenceResource {
    static final Duration MAX_LENGTH = Duration.ofDays(30);

    private final OutboxStore store;
    private final Clock clock;

    public SilenceResource(OutboxStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /**
     * A new silence. {@code matchers}: label (or {@code severity}, {@code source}) → exact value, all must match.
     * {@code startsAt} defaults to now; {@code endsAt} is required, in the future, at most 30 days after the start.
     */
    public record SilenceRequest(
            @NotEmpty @Size(max = 32) Map<@NotBlank @Size(max = 100) String, @NotNull @Size(max = 500) String> matchers,
            Instant startsAt,
            @NotNull Instant endsAt,
            @NotBlank @Size(max = 100) String createdBy,
            @Size(max = 1000) String comment) {
    }

    @POST
    public Uni<Response> create(@NotNull(message = "a silence body is required") @Valid SilenceRequest request) {
        Instant now = clock.instant();
        Instant start = request.startsAt() == null ? now : request.startsAt();
        if (!request.endsAt().isAfter(now) || !request.endsAt().isAfter(start)) {
            return Uni.createFrom().item(bad("endsAt must be in the future and after startsAt"));
        }
        if (Duration.between(start, request.endsAt()).compareTo(MAX_LENGTH) > 0) {
            return Uni.createFrom().item(bad("a silence lasts at most " + MAX_LENGTH.toDays() + " days"));
        }
        Silence s = new Silence(UUID.randomUUID(), request.matchers(), start, request.endsAt(), request.createdBy(),
                request.comment() == null ? "" : request.comment());
        return store.createSilence(s, now).replaceWith(Response.status(201).entity(s).build());
    }

    /** Silences that have not ended (active, or starting later). */
    @GET
    public Uni<List<Silence>> list() {
        return store.currentSilences(clock.instant());
    }

    /** Expires a silence now. 404 if there is no such silence or it already ended. */
    @DELETE
    @Path("/{id}")
    public Uni<Response> expire(@PathParam("id") UUID id) {
        return store.expireSilence(id, clock.instant())
                .map(found -> found ? Response.noContent().build()
                        : ProblemMappers.problem(Problem.of(404, "Not found", "no active silence " + id)));
    }

    private static Response bad(String detail) {
        return ProblemMappers.problem(Problem.of(400, "Invalid silence", detail));
    }
}
