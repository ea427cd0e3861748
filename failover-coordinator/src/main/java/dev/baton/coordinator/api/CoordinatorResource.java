package dev.baton.coordinator.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.api.ProblemMappers;
import dev.baton.common.wire.CoordinatorStatus;
import dev.baton.common.wire.FailbackRequest;
import dev.baton.common.wire.FailoverRequest;
import dev.baton.common.wire.FreezeRequest;
import dev.baton.common.wire.Problem;
import dev.baton.common.wire.VerdictReport;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.runbook.Coordinator;
import dev.baton.coordinator.runbook.Refusal;
import dev.baton.coordinator.runbook.RunbookPlanner;
import dev.baton.coordinator.runbook.RunbookStep;
import dev.baton.common.wire.SiteLease;
import dev.baton.coordinator.store.AuditEntry;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.store.HistoryEntry;
import dev.baton.coordinator.store.OperationRow;
import io.smallrye.common.annotation.Blocking;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** The operator and observer API (DESIGN.md section 6). Thin: every decision is in {@link Coordinator}. */
@Path("/api/v1")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class CoordinatorResource {
    private static final String ACTOR = "X-Baton-Actor";

    private final Coordinator coordinator;
    private final CoordinatorStore store;
    private final RunbookPlanner planner;
    private final dev.baton.coordinator.runbook.StepRunner runner;
    private final ObjectMapper json;

    public CoordinatorResource(Coordinator coordinator, CoordinatorStore store, RunbookPlanner planner, ObjectMapper json,
            dev.baton.coordinator.runbook.StepRunner runner) {
        this.runner = runner;
        this.coordinator = coordinator;
        this.store = store;
        this.planner = planner;
        this.json = json;
    }

    @GET
    @Path("/status")
    public CoordinatorStatus status() {
        return coordinator.status();
    }

    @GET
    @Path("/status/detail")
    public StatusDetail detail() {
        CoordinatorStatus status = coordinator.status();
        String stored;
        try {
            stored = status.decider().quorum() ? store.state().lastDecision() : null;
        } catch (dev.baton.coordinator.store.StoreUnavailable e) {
            stored = null;
        }
        if (stored == null && !status.decider().quorum()) {
            // no quorum: the refusal as this instance last read it
            stored = store.lastKnownState().map(dev.baton.coordinator.store.StateRow::lastDecision).orElse(null);
        }
        Decision refusal = null;
        if (stored != null) {
            try {
                refusal = json.readValue(stored, Decision.class);
            } catch (Exception e) {
                refusal = null;
            }
        }
        return new StatusDetail(status, coordinator.lease().id(), coordinator.lease().isLeader(),
                coordinator.lease().current().orElse(null), coordinator.lastDecision(), refusal);
    }

    /**
     * Whether {@code site} may keep running its engine: its start gate asks this while the engine runs
     * ({@code BATON_GATE_LEASE}). 200 with {@code granted}; 503 when this coordinator cannot read the decision store.
     */
    @GET
    @Path("/sites/{site}/lease")
    public SiteLease siteLease(@PathParam("site") String site) {
        return coordinator.siteLease(site);
    }

    @GET
    @Path("/history")
    public List<HistoryEntry> history(@QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return store.history(limit);
    }

    @GET
    @Path("/audit")
    public List<AuditEntry> audit(@QueryParam("limit") @DefaultValue("100") @Min(1) @Max(1000) int limit) {
        return store.audit(limit);
    }

    @GET
    @Path("/operations")
    public List<OperationView> operations(@QueryParam("limit") @DefaultValue("20") @Min(1) @Max(200) int limit) {
        return store.operations(limit).stream().map(op -> OperationView.of(op, decision(op), store.steps(op.id()))).toList();
    }

    @GET
    @Path("/operations/{id}")
    public OperationView operation(@PathParam("id") String id) {
        OperationRow op = store.operation(uuid(id)).orElseThrow(() -> new Refusal(404, "Not Found", "no operation " + id, null));
        return OperationView.of(op, decision(op), store.steps(op.id()));
    }

    @POST
    @Path("/operations/{id}/veto")
    public Response veto(@PathParam("id") String id, @HeaderParam(ACTOR) String actor) {
        coordinator.veto(uuid(id), actor(actor));
        return Response.accepted().build();
    }

    @POST
    @Path("/failover")
    public Response failover(@Valid @NotNull FailoverRequest request, @HeaderParam(ACTOR) String actor) {
        return answer(coordinator.requestFailover(request.reason(), request.dryRun(), request.force(), actor(actor)));
    }

    @POST
    @Path("/failback")
    public Response failback(@Valid @NotNull FailbackRequest request, @HeaderParam(ACTOR) String actor) {
        return answer(coordinator.requestFailback(request.reason(), request.dryRun(), actor(actor)));
    }

    @POST
    @Path("/freeze")
    public CoordinatorStatus freeze(@Valid @NotNull FreezeRequest request, @HeaderParam(ACTOR) String actor) {
        coordinator.freeze(request, actor(actor));
        return coordinator.status();
    }

    @DELETE
    @Path("/freeze")
    public CoordinatorStatus unfreeze(@HeaderParam(ACTOR) String actor) {
        coordinator.unfreeze(actor(actor));
        return coordinator.status();
    }

    /** Body: {@code {"reason": "..."}}. Returns DEGRADED to "<active site> active" once an operator has checked both sites. */
    @POST
    @Path("/resolve")
    public CoordinatorStatus resolve(@Valid @NotNull ResolveRequest request, @HeaderParam(ACTOR) String actor) {
        coordinator.resolve(request.reason(), actor(actor));
        return coordinator.status();
    }

    @POST
    @Path("/verdicts")
    public Response verdicts(@Valid @NotNull VerdictReport report) {
        coordinator.acceptVerdicts(report);
        return Response.accepted().build();
    }

    @ServerExceptionMapper
    public Response refusal(Refusal r) {
        return ProblemMappers.problem(Problem.of(r.status(), r.title(), r.getMessage()));
    }

    private Response answer(Coordinator.Outcome o) {
        List<PlanView.PlannedStep> steps = new ArrayList<>();
        for (int i = 0; i < o.plan().size(); i++) {
            RunbookStep s = o.plan().get(i);
            String from = o.decision().from();
            String to = o.decision().to();
            steps.add(new PlanView.PlannedStep(i, s.name(), s.type(), planner.describe(s, from, to),
                    o.dryRun() && from != null && to != null ? runner.evaluate(s, from, to).orElse(null) : null));
        }
        PlanView view = new PlanView(o.dryRun(), o.decision().proceeds(), o.operation(), o.decision(), steps);
        if (o.dryRun()) {
            return Response.ok(view).build();
        }
        return Response.accepted(view).location(URI.create("/api/v1/operations/" + o.operation())).build();
    }

    private JsonNode decision(OperationRow op) {
        if (op.decision() == null) {
            return null;
        }
        try {
            return json.readTree(op.decision());
        } catch (Exception e) {
            return json.getNodeFactory().textNode(op.decision());
        }
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new Refusal(404, "Not Found", "no operation " + (id.length() > 40 ? id.substring(0, 40) : id), null);
        }
    }

    /** Who asked, for the audit: a short label, never a token. */
    private static String actor(String header) {
        if (header == null || header.isBlank()) {
            return "operator";
        }
        String clean = header.replaceAll("[^A-Za-z0-9@._ -]", "");
        return clean.isBlank() ? "operator" : clean.substring(0, Math.min(clean.length(), 100));
    }
}
