package dev.baton.coordinator.ui;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.jboss.resteasy.reactive.RestStreamElementType;

/**
 * {@code GET /api/v1/status/stream}: server-sent events, one {@link Dashboard} as JSON right away and
 * then every second, for as long as the client stays connected. Each client reads a few rows per
 * second, which is nothing for the handful of people on call.
 */
@Path("/api/v1/status/stream")
public class StatusStreamResource {
    static final Duration PERIOD = Duration.ofSeconds(1);
    /** Mutiny refuses a zero initial delay; this is "at once". */
    private static final Duration FIRST = Duration.ofMillis(1);

    private final DashboardBuilder dashboard;

    public StatusStreamResource(DashboardBuilder dashboard) {
        this.dashboard = dashboard;
    }

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<Dashboard> stream() {
        return Multi.createFrom().ticks().startingAfter(FIRST).every(PERIOD)
                .onOverflow().drop()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .map(tick -> dashboard.build());
    }
}
