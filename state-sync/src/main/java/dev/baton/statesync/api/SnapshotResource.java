package dev.baton.statesync.api;

import dev.baton.common.wire.Names;
import dev.baton.statesync.sync.Replicator;
import dev.baton.statesync.sync.SnapshotInfo;
import dev.baton.statesync.sync.SyncFailed;
import dev.baton.statesync.sync.SyncRefused;
import io.smallrye.common.annotation.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The synced versions kept on each site, and restoring one atomically. */
@Path("/api/v1/snapshots")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Blocking
public class SnapshotResource {
    private final Replicator replicator;

    public SnapshotResource(Replicator replicator) {
        this.replicator = replicator;
    }

    /** Snapshots on {@code site}, or on every site if omitted; oldest first. */
    @GET
    public Response list(@QueryParam("site") @Pattern(regexp = Names.PATTERN, message = Names.MESSAGE) String site) {
        List<String> names = site == null ? replicator.siteNames() : List.of(site);
        List<SnapshotInfo> out = new ArrayList<>();
        try {
            for (String name : names) {
                out.addAll(replicator.snapshots(name));
            }
            return Response.ok(out).build();
        } catch (SyncRefused e) {
            return SyncErrors.refused(e);
        } catch (SyncFailed e) {
            return SyncErrors.failed(e);
        }
    }

    /** Makes snapshot {@code id} live on the given site with one atomic switch. */
    @POST
    @Path("/{id}/restore")
    public Response restore(@PathParam("id") String id, @Valid @NotNull RestoreRequest request) {
        try {
            Optional<SnapshotInfo> restored = replicator.restore(request.site(), id, request.epoch());
            return restored.map(s -> Response.ok(s).build())
                    .orElseGet(() -> SyncErrors.notFound("no snapshot " + id + " on " + request.site()));
        } catch (SyncRefused e) {
            return SyncErrors.refused(e);
        } catch (SyncFailed e) {
            return SyncErrors.failed(e);
        }
    }
}
