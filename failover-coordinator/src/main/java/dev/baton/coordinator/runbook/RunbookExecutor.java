package dev.baton.coordinator.runbook;

import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.Severity;
import dev.baton.coordinator.client.NotifierClient;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.store.Leadership;
import dev.baton.coordinator.store.NotLeader;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StepRow;
import dev.baton.coordinator.store.StoreUnavailable;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * Runs an operation's steps in order on its own thread, journaling each start, attempt and outcome
 * before moving on, so a restart can pick up from the journal. The rules that keep one engine:
 * a failed fence always ends the operation in DEGRADED (never "continue"), and {@code start} can
 * only be reached after {@code fence} succeeded, because the steps run strictly in order.
 */
@ApplicationScoped
public class RunbookExecutor {
    private static final Logger LOG = Logger.getLogger(RunbookExecutor.class);
    private static final Set<String> NEVER_CLEAN_ABORT = Set.of("fence", "start", "dns", "pg-fence-old", "pg-promote");

    private final StepRunner runner;
    private final CoordinatorStore store;
    private final NotifierClient notifier;
    private final CoordinatorMetrics metrics;
    private final Leadership leadership;
    private final Clock clock;
    private final Map<UUID, OperationContext> running = new ConcurrentHashMap<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baton-runbook");
        t.setDaemon(true);
        return t;
    });

    public RunbookExecutor(StepRunner runner, CoordinatorStore store, NotifierClient notifier, CoordinatorMetrics metrics,
            Leadership leadership, Clock clock) {
        this.runner = runner;
        this.leadership = leadership;
        this.store = store;
        this.notifier = notifier;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Runs a begun operation's plan in the background ({@link CoordinatorStore#begin} journaled it with the operation). */
    public Future<?> start(OperationRow op, List<RunbookStep> plan) {
        return submit(op, plan);
    }

    /** The plan as {@link CoordinatorStore#begin} journals it. */
    public static List<CoordinatorStore.PlannedStep> journal(List<RunbookStep> plan) {
        return plan.stream().map(s -> new CoordinatorStore.PlannedStep(s.name(), s.type())).toList();
    }

    /** Continues an operation found RUNNING after a restart, from its first unfinished step. */
    public Future<?> resume(OperationRow op, List<RunbookStep> plan) {
        return submit(op, plan);
    }

    private Future<?> submit(OperationRow op, List<RunbookStep> plan) {
        OperationContext ctx = new OperationContext(op, leadership.actingTerm());
        running.put(op.id(), ctx);
        return worker.submit(() -> {
            boolean leftForNextLeader = false;
            try {
                execute(ctx, plan);
            } catch (LeftForRecovery e) {
                LOG.warnf("operation %s interrupted by shutdown; left RUNNING for recovery at the next start", op.id());
            } catch (NotLeader | StoreUnavailable e) {
                // deposed, or cut off from the store: stop at once, write nothing more; the next leader (this one again
                // once its store answers) resumes it from the journal
                LOG.errorf("operation %s stopped: %s; left RUNNING in the journal for the next leader", op.id(), e.getMessage());
                leftForNextLeader = true;
            } catch (RuntimeException e) {
                LOG.errorf(e, "operation %s stopped by an unexpected failure", op.id());
                conclude(ctx, OperationRow.Status.FAILED, FailoverState.DEGRADED, activeAfterFailure(op),
                        "internal failure: " + e.getClass().getSimpleName(), Severity.CRITICAL);
            } finally {
                running.remove(op.id());
                if (leftForNextLeader) {
                    // only once it no longer counts as running, so that recover() picks it up
                    needsRecovery = true;
                }
            }
        });
    }

    private volatile boolean needsRecovery;

    /** Whether an operation was left RUNNING because the store refused or failed a write (cleared by the call). */
    public boolean takeNeedsRecovery() {
        boolean n = needsRecovery;
        needsRecovery = false;
        return n;
    }

    public boolean isRunning() {
        return !running.isEmpty();
    }

    public Optional<UUID> current() {
        return running.keySet().stream().findFirst();
    }

    /** Marks a running operation vetoed; its veto window (or its next step) stops it. */
    public boolean veto(UUID id, String actor) {
        OperationContext ctx = running.get(id);
        if (ctx == null) {
            return false;
        }
        ctx.vetoedBy = actor;
        ctx.vetoed = true;
        return true;
    }

    private void execute(OperationContext ctx, List<RunbookStep> plan) {
        OperationRow op = ctx.op;
        List<StepRow> journal = store.steps(op.id());
        for (int i = 0; i < plan.size(); i++) {
            RunbookStep step = plan.get(i);
            StepRow.Status journaled = i < journal.size() ? journal.get(i).status() : StepRow.Status.PENDING;
            if (journaled == StepRow.Status.SUCCEEDED || journaled == StepRow.Status.SKIPPED) {
                if (step.type().equals("fence")) {
                    ctx.fromReachable = journal.get(i).detail() != null && journal.get(i).detail().startsWith("engine stopped on ");
                    ctx.fromPoweredOff = StepRunner.poweredOff(journal.get(i).detail());
                }
                if (step.type().equals("pg-fence-old")) {
                    ctx.oldDatabase = PostgresSteps.OldDatabase.fromJournal(journal.get(i).detail());
                }
                continue;
            }
            if (ctx.vetoed && !irreversibleStarted(op.id(), i)) {
                store.stepFinished(op.id(), i, StepRow.Status.SKIPPED, "vetoed by " + ctx.vetoedBy, clock.instant());
                conclude(ctx, OperationRow.Status.VETOED, op.previousState(), op.fromSite(), "vetoed by " + ctx.vetoedBy, Severity.WARNING);
                return;
            }
            Outcome outcome = attempt(ctx, i, step);
            if (outcome.ok) {
                continue;
            }
            if (step.type().equals(RunbookPlanner.VETO_WINDOW) && ctx.vetoed) {
                conclude(ctx, OperationRow.Status.VETOED, op.previousState(), op.fromSite(), "vetoed by " + ctx.vetoedBy, Severity.WARNING);
                return;
            }
            String why = "step " + step.name() + " failed: " + outcome.detail;
            if (outcome.detail.startsWith("STALE")) {
                // a site holds a newer epoch: whatever the step's policy, this coordinator stops and pages
                conclude(ctx, OperationRow.Status.FAILED, FailoverState.DEGRADED, activeAfterFailure(op), why, Severity.CRITICAL);
                return;
            }
            if (step.type().equals("fence")) {
                conclude(ctx, OperationRow.Status.FAILED, FailoverState.DEGRADED, op.fromSite(),
                        "fence of " + op.fromSite() + " not confirmed, " + op.toSite() + " NOT started: " + outcome.detail, Severity.CRITICAL);
                return;
            }
            switch (step.onFailure()) {
                case CONTINUE -> LOG.warnf("operation %s: %s; continuing as configured", op.id(), why);
                case NEEDS_OPERATOR -> {
                    conclude(ctx, OperationRow.Status.NEEDS_OPERATOR, FailoverState.DEGRADED, activeAfterFailure(op),
                            why + "; an operator must finish or revert", Severity.CRITICAL);
                    return;
                }
                case ABORT -> {
                    if (!irreversibleStarted(op.id(), i) && !NEVER_CLEAN_ABORT.contains(step.type())) {
                        conclude(ctx, OperationRow.Status.ABORTED, op.previousState(), op.fromSite(),
                                why + "; aborted before touching " + op.fromSite(), Severity.WARNING);
                    } else {
                        conclude(ctx, OperationRow.Status.FAILED, FailoverState.DEGRADED, activeAfterFailure(op),
                                why + "; aborted after the sites were changed", Severity.CRITICAL);
                    }
                    return;
                }
            }
        }
        FailoverState done = op.kind() == OperationRow.Kind.FAILOVER ? FailoverState.STANDBY_ACTIVE : FailoverState.PRIMARY_ACTIVE;
        conclude(ctx, OperationRow.Status.SUCCEEDED, done, op.toSite(), op.kind().name().toLowerCase() + " " + op.fromSite()
                + " -> " + op.toSite() + " complete", null);
    }

    private static final class LeftForRecovery extends RuntimeException {
        LeftForRecovery() {
            super(null, null, false, false);
        }
    }

    private record Outcome(boolean ok, String detail) {
    }

    private Outcome attempt(OperationContext ctx, int index, RunbookStep step) {
        String detail = "not run";
        for (int attempt = 0; attempt <= step.retries(); attempt++) {
            if (!leadership.isLeader()) {
                // a leader acts only while it leads: not one more step once its session is suspended or lost
                throw new NotLeader(leadership.id() + " no longer leads before step " + step.name());
            }
            Instant started = clock.instant();
            ctx.stepIndex = index;
            store.stepStarted(ctx.op.id(), index, started);
            try {
                detail = runner.run(step, ctx, started.plus(step.timeout()));
                store.stepFinished(ctx.op.id(), index, StepRow.Status.SUCCEEDED, detail, clock.instant());
                Duration took = Duration.between(started, clock.instant());
                metrics.step(step.type(), "succeeded", took);
                LOG.infof("operation %s step %d %s done in %d ms: %s", ctx.op.id(), index, step.name(), took.toMillis(), detail);
                return new Outcome(true, detail);
            } catch (NotLeader | StoreUnavailable e) {
                throw e;
            } catch (StepFailed e) {
                detail = e.getMessage();
                LOG.warnf("operation %s step %s attempt %d failed: %s", ctx.op.id(), step.name(), attempt + 1, detail);
            } catch (InterruptedException e) {
                // shutting down: leave the operation RUNNING in the journal so the next start resumes or aborts it
                Thread.currentThread().interrupt();
                throw new LeftForRecovery();
            } catch (RuntimeException e) {
                detail = e.getClass().getSimpleName() + ": " + e.getMessage();
                LOG.warnf(e, "operation %s step %s failed unexpectedly", ctx.op.id(), step.name());
            }
            metrics.step(step.type(), "failed", Duration.between(started, clock.instant()));
            if (ctx.vetoed || step.type().equals("fence") && detail.startsWith("UNCONFIRMED") || detail.startsWith("STALE")) {
                break;
            }
        }
        store.stepFinished(ctx.op.id(), index, StepRow.Status.FAILED, detail, clock.instant());
        return new Outcome(false, detail);
    }

    /** Whether any step before {@code index} that changes a site has started. */
    private boolean irreversibleStarted(UUID op, int index) {
        List<StepRow> journal = store.steps(op);
        return journal.stream().filter(s -> s.index() < index)
                .anyMatch(s -> NEVER_CLEAN_ABORT.contains(s.type()) && s.status() != StepRow.Status.PENDING && s.status() != StepRow.Status.SKIPPED);
    }

    private String activeAfterFailure(OperationRow op) {
        return store.steps(op.id()).stream().anyMatch(s -> s.type().equals("start") && s.status() == StepRow.Status.SUCCEEDED)
                ? op.toSite() : op.fromSite();
    }

    private void conclude(OperationContext ctx, OperationRow.Status status, FailoverState state, String active, String detail,
            Severity alert) {
        OperationRow op = ctx.op;
        Instant now = clock.instant();
        boolean written = store.finish(op.id(), op.epoch(), status, state, active, detail, now);
        if (!written) {
            LOG.errorf("operation %s: epoch %d was overtaken; this coordinator is stale and its outcome (%s) was not written",
                    op.id(), op.epoch(), status);
            return;
        }
        store.history("operation-" + status.name().toLowerCase(), op.id(), detail);
        metrics.operation(op.kind().name().toLowerCase(), status.name().toLowerCase(), Duration.between(op.startedAt(), now));
        metrics.observe(state, op.epoch(), store.state().frozen());
        if (alert != null) {
            notifier.trySend(alert, "Baton " + op.kind().name().toLowerCase() + " " + status.name().toLowerCase() + ": "
                    + op.fromSite() + " -> " + op.toSite(), detail + "\nState: " + state + ", active site: " + active + ", epoch " + op.epoch(),
                    "baton-op-" + op.id() + "-outcome", Map.of("operation", op.id().toString(), "state", state.name()));
        }
        LOG.infof("operation %s %s: %s", op.id(), status, detail);
    }

    @PreDestroy
    void stop() {
        worker.shutdownNow();
    }
}
