package dev.baton.statesync.api;

import dev.baton.common.wire.SyncRequest;
import dev.baton.statesync.config.SyncConfig;
import dev.baton.statesync.sync.CycleResult;
import dev.baton.statesync.sync.EpochGuard;
import dev.baton.statesync.sync.Replicator;
import dev.baton.statesync.sync.SyncFailed;
import dev.baton.statesync.sync.SyncRefused;
import io.smallrye.common.annotation.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Replication control for the coordinator: set the active site, run a cycle, read status. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
public class SyncResource {
    private final Replicator replicator;
    private final SyncConfig config;

    public SyncResource(Replicator replicator, SyncConfig config) {
        this.replicator = replicator;
        this.config = config;
    }

    /** Per target: last success, lag, bytes and files of the last cycle that changed it, last error. */
    @GET
    @Path("/status")
    public SyncView.Status status() {
        var active = replicator.active();
        return new SyncView.Status(active.map(EpochGuard.Active::site).orElse(null),
                active.map(EpochGuard.Active::epoch).orElse(null), config.continuous().enabled(), replicator.status());
    }

    @GET
    @Path("/active")
    public Response active() {
        return replicator.active()
                .map(a -> Response.ok(new SyncView.Active(a.site(), a.epoch(), a.term())).build())
                .orElseGet(() -> SyncErrors.notFound("no active site is set"));
    }

    /** The coordinator names the active site of an epoch; refused (409) if that would move the epoch back. */
    @PUT
    @Path("/active")
    public Response setActive(@Valid @NotNull ActiveRequest request) {
        try {
            EpochGuard.Active a = replicator.setActive(request.site(), request.epoch(), request.term());
            return Response.ok(new SyncView.Active(a.site(), a.epoch(), a.term())).build();
        } catch (SyncRefused e) {
            return SyncErrors.refused(e);
        }
    }

    /** One cycle now, from the active site to a target; 409 with both epochs if fenced. */
    @POST
    @Path("/sync")
    public Response sync(@Valid @NotNull SyncRequest request) {
        try {
            CycleResult r = replicator.sync(request.from(), request.to(), request.epoch(), request.term());
            return Response.ok(new SyncView.CycleDone(request.from(), request.to(), request.epoch(), r.changed(),
                    r.snapshotId(), r.files(), r.bytes(), r.totalFiles(), r.deleted(), r.unstable())).build();
        } catch (SyncRefused e) {
            return SyncErrors.refused(e);
        } catch (SyncFailed e) {
            return SyncErrors.failed(e);
        }
    }
}
