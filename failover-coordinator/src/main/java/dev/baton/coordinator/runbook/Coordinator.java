package dev.baton.coordinator.runbook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.ssh.SshFailure;
import dev.baton.common.wire.CoordinatorStatus;
import dev.baton.common.wire.FailoverState;
import dev.baton.common.wire.FreezeRequest;
import dev.baton.common.wire.ObserverSummary;
import dev.baton.common.wire.Severity;
import dev.baton.common.wire.SiteLease;
import dev.baton.common.wire.VerdictReport;
import dev.baton.coordinator.client.NotifierClient;
import dev.baton.coordinator.client.ActiveSite;
import dev.baton.coordinator.client.StateSyncClient;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.policy.Decision;
import dev.baton.coordinator.policy.FailoverPolicy;
import dev.baton.coordinator.policy.MaintenanceWindow;
import dev.baton.coordinator.policy.ObserverView;
import dev.baton.coordinator.policy.PolicyInput;
import dev.baton.coordinator.policy.PolicySettings;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.store.Leadership;
import dev.baton.coordinator.store.OperationRow;
import dev.baton.coordinator.store.StateRow;
import dev.baton.coordinator.store.StepRow;
import dev.baton.coordinator.store.StoreUnavailable;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Future;
import org.jboss.logging.Logger;

/**
 * The coordinator's moves: evaluate the policy on each tick, start operations (automatic or asked for),
 * freeze, veto, recover after a restart and guard against a second engine. Decisions come from
 * {@link FailoverPolicy}; doing comes from {@link RunbookExecutor}; this class only joins them to the store.
 */
@ApplicationScoped
public class Coordinator {
    private static final Logger LOG = Logger.getLogger(Coordinator.class);
    private static final Duration SYNC_STATUS_TTL = Duration.ofSeconds(10);
    /** A decision to fail over older than this when it would be acted on is dropped, and taken again on fresh verdicts. */
    static final Duration MAX_DECISION_AGE = Duration.ofSeconds(1);

    private final CoordinatorStore store;
    private final VerdictBook verdicts;
    private final FailoverPolicy policy = new FailoverPolicy();
    private final PolicySettings settings;
    private final RunbookPlanner planner;
    private final RunbookExecutor executor;
    private final SiteShell shell;
    private final Sites sites;
    private final StateSyncClient stateSync;
    private final NotifierClient notifier;
    private final Leadership lease;
    private final CoordinatorMetrics metrics;
    private final CoordinatorConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final Map<String, SyncSeen> syncSeen = new HashMap<>();
    private final Map<String, dev.baton.coordinator.ui.BackgroundRefresh> syncRefresh = new java.util.concurrent.ConcurrentHashMap<>();
    private final ReplicaLag replicaLag;
    private final dev.baton.coordinator.replay.VerdictRecorder recording;
    private volatile Decision lastDecision;
    private volatile String lastRecordedRefusal;

    private record SyncSeen(Instant lastSuccess, Instant fetchedAt) {
    }

    public Coordinator(CoordinatorStore store, VerdictBook verdicts, RunbookPlanner planner, RunbookExecutor executor, SiteShell shell,
            Sites sites, StateSyncClient stateSync, NotifierClient notifier, Leadership lease, CoordinatorMetrics metrics,
            CoordinatorConfig config, ObjectMapper json, Clock clock, ReplicaLag replicaLag, dev.baton.coordinator.replay.VerdictRecorder recording) {
        this.replicaLag = replicaLag;
        this.recording = recording;
        this.store = store;
        this.verdicts = verdicts;
        this.planner = planner;
        this.executor = executor;
        this.shell = shell;
        this.sites = sites;
        this.stateSync = stateSync;
        this.notifier = notifier;
        this.lease = lease;
        this.metrics = metrics;
        this.config = config;
        this.json = json;
        this.clock = clock;
        this.settings = settings(config);
    }

    static PolicySettings settings(CoordinatorConfig c) {
        Set<String> observers = new HashSet<>(c.observers().names());
        return new PolicySettings(observers, c.observers().quorum().orElse(PolicySettings.majority(observers.size())),
                c.observers().staleness(), c.policy().confirmation(), c.policy().cooldown(), c.policy().dailyCap(),
                c.policy().requireStandbyUp(), c.policy().maxSyncAge(), MaintenanceWindow.parseAll(c.policy().maintenanceWindows()),
                c.policy().automatic(), c.policy().automaticFailback(), c.policy().remediation().enabled(), c.policy().remediation().grace(),
                c.policy().targetReadyIgnores().map(java.util.regex.Pattern::compile).orElse(null));
    }

    // ---- start-up and leadership

    /**
     * Creates the state if needed, takes leadership if free and recovers operations left running. Without the store
     * (no ZooKeeper quorum yet) the coordinator still starts, as a follower that says why; each tick tries again.
     */
    public void startUp() {
        try {
            initialise();
        } catch (StoreUnavailable e) {
            LOG.errorf("decision store not reachable at start-up (%s): following, and trying again every tick", e.getMessage());
            return;
        }
        if (lease.renew()) {
            recover();
        }
    }

    private volatile boolean initialised;

    private void initialise() {
        if (!initialised) {
            String active = config.initial().activeSite().orElse(sites.primary());
            store.initialise(active, sites.isPrimary(active) ? FailoverState.PRIMARY_ACTIVE : FailoverState.STANDBY_ACTIVE,
                    config.initial().epoch());
            StateRow s = store.state();
            metrics.observe(s.state(), s.epoch(), s.frozen());
            initialised = true;
        }
    }

    /** Renews leadership; a coordinator that just became leader recovers what its predecessor left. */
    public void renewLease() {
        String unreachable = null;
        try {
            initialise();
        } catch (RuntimeException e) {
            // no store yet: nothing to lead or decide; tried again next tick
            unreachable = "decision store not reachable: " + e.getMessage();
        }
        watchQuorum(unreachable);
        if (!initialised) {
            return;
        }
        boolean became = lease.renew();
        if (became || lease.isLeader() && executor.takeNeedsRecovery()) {
            recover();
        }
    }

    private volatile Instant quorumLostAt;
    private volatile boolean quorumAlerted;

    /**
     * Safety over liveness: without its store nobody acts (leadership is given up at once); once that has lasted a
     * tick, a critical alert goes out through the notifier (if it is reachable), and a resolved one when it is back.
     */
    private void watchQuorum(String unreachable) {
        Instant now = clock.instant();
        if (unreachable == null && lease.connected()) {
            if (quorumAlerted) {
                notifier.trySend(Severity.INFO, "Baton: decision store back (" + config.store() + ")", lease.id() + " is connected again",
                        "baton-decider-" + config.store(), Map.of());
                LOG.infof("decision store back: %s connected again", lease.id());
            }
            quorumLostAt = null;
            quorumAlerted = false;
            return;
        }
        if (quorumLostAt == null) {
            quorumLostAt = now;
        } else if (!quorumAlerted && now.isAfter(quorumLostAt.plus(config.tick()))) {
            quorumAlerted = true;
            String why = unreachable != null ? unreachable : lease.decider().detail();
            LOG.errorf("decision store unavailable to %s: %s; no failover, failback or fence until it is back", lease.id(), why);
            notifier.trySend(Severity.CRITICAL, "Baton: no quorum for decisions", why + "\nNo coordinator fails over, fails back or fences "
                    + "until the decision store is back (seen from " + lease.id() + ").", "baton-decider-" + config.store(), Map.of());
        }
    }

    /**
     * Resumes each operation the journal shows RUNNING (steps are idempotent: fence stops and confirms,
     * start is {@code up -d}, DNS is compare-and-set, sync is epoch-fenced), unless it is older than
     * {@code resume-max-age} or the runbook changed since: then it is aborted to DEGRADED and an operator paged.
     *
     * @return the resumed operations' futures
     */
    public synchronized List<Future<?>> recover() {
        List<Future<?>> resumed = new java.util.ArrayList<>();
        for (OperationRow op : store.running()) {
            if (executor.current().filter(op.id()::equals).isPresent()) {
                continue;
            }
            List<RunbookStep> plan = planner.plan(op.kind(), !"manual".equals(op.trigger()));
            List<StepRow> journal = store.steps(op.id());
            boolean samePlan = journal.size() == plan.size();
            for (int i = 0; samePlan && i < plan.size(); i++) {
                samePlan = journal.get(i).name().equals(plan.get(i).name()) && journal.get(i).type().equals(plan.get(i).type());
            }
            Duration age = Duration.between(op.startedAt(), clock.instant());
            if (!samePlan || age.compareTo(config.resumeMaxAge()) > 0) {
                String why = !samePlan ? "the runbook changed since it started" : "it is " + age.toSeconds() + "s old";
                String active = journal.stream().anyMatch(s -> s.type().equals("start") && s.status() != StepRow.Status.PENDING)
                        ? op.toSite() : op.fromSite();
                LOG.errorf("operation %s (%s %s -> %s) abandoned at restart: %s; state DEGRADED until an operator resolves it",
                        op.id(), op.kind(), op.fromSite(), op.toSite(), why);
                if (store.finish(op.id(), op.epoch(), OperationRow.Status.FAILED, FailoverState.DEGRADED, active,
                        "coordinator restarted mid-operation and did not resume: " + why, clock.instant())) {
                    store.history("operation-failed", op.id(), "abandoned at restart: " + why);
                    notifier.trySend(Severity.CRITICAL, "Baton: operation " + op.id() + " abandoned at restart",
                            "The coordinator restarted during a " + op.kind() + " " + op.fromSite() + " -> " + op.toSite() + " and did not resume it ("
                                    + why + "). State is DEGRADED; check both sites.", "baton-op-" + op.id() + "-outcome", Map.of());
                }
                continue;
            }
            LOG.infof("resuming operation %s (%s %s -> %s) from its journal", op.id(), op.kind(), op.fromSite(), op.toSite());
            store.history("operation-resumed", op.id(), "resumed after a coordinator restart");
            resumed.add(executor.resume(op, plan));
        }
        return resumed;
    }

    // ---- automatic decisions

    /** One policy evaluation (every {@code tick}); acts only as leader and when nothing is running. */
    public Decision evaluate() {
        if (!lease.isLeader()) {
            return null;
        }
        StateRow s = store.state();
        metrics.observe(s.state(), s.epoch(), s.frozen());
        recording.state(s.state(), s.activeSite());
        PolicyInput input = input(s, false);
        Decision d = policy.decideAutomatic(input);
        lastDecision = d;
        metrics.decision(d.action().name());
        switch (d.action()) {
            case PROCEED -> {
                Duration age = Duration.between(d.at(), clock.instant());
                if (age.compareTo(MAX_DECISION_AGE) > 0) {
                    // something held this tick up after the verdicts were read: decide again on fresh ones, next tick
                    LOG.warnf("decision to fail over %s -> %s dropped: it is %d ms old; the next tick decides on fresh verdicts", d.from(), d.to(),
                            age.toMillis());
                    return d;
                }
                if (d.firstDownAt() != null) {
                    metrics.detectionToDecision(Duration.between(d.firstDownAt(), d.at()));
                }
                OperationRow.Kind kind = sites.isPrimary(s.activeSite()) ? OperationRow.Kind.FAILOVER : OperationRow.Kind.FAILBACK;
                recording.decision(d);
                begin(kind, "automatic", "automatic: " + d.summary(), s, d, false);
            }
            case REMEDIATE -> remediate(s, d);
            case REFUSED -> {
                // recorded once per distinct set of reasons: details such as ages change every tick
                String reasons = s.activeSite() + ":" + d.unmet().stream().map(c -> c.name()).sorted().toList();
                if (!reasons.equals(lastRecordedRefusal)) {
                    lastRecordedRefusal = reasons;
                    store.history("decision-refused", null, d.summary());
                    store.setLastDecision(toJson(d));
                    notifier.trySend(Severity.WARNING, "Baton: " + s.activeSite() + " is down but failover is refused",
                            d.summary(), "baton-refused-" + s.activeSite(), Map.of("site", s.activeSite()));
                }
            }
            default -> lastRecordedRefusal = null;
        }
        return d;
    }

    private void remediate(StateRow s, Decision d) {
        Instant now = clock.instant();
        store.setRemediatedAt(now);
        String site = s.activeSite();
        String outcome;
        try {
            var r = shell.exec(site, shell.compose(site, "restart " + String.join(" ", shell.engineServices(site))), s.epoch(),
                    Duration.ofMinutes(2));
            outcome = r.succeeded() ? "engine restarted on " + site : "restart on " + site + " exited " + r.exitCode();
        } catch (SshFailure e) {
            outcome = "restart on " + site + " failed: " + e.getMessage();
        }
        store.history("remediation", null, outcome + " (" + d.summary() + ")");
        notifier.trySend(Severity.WARNING, "Baton: restarting the engine on " + site + " before failing over", outcome,
                "baton-remediation-" + site, Map.of("site", site));
    }

    // ---- operator requests

    /** The outcome of a failover or failback request: the decision, the plan, and the operation when one started. */
    public record Outcome(Decision decision, List<RunbookStep> plan, UUID operation, boolean dryRun) {
    }

    public Outcome requestFailover(String reason, boolean dryRun, boolean force, String actor) {
        return request(OperationRow.Kind.FAILOVER, reason, dryRun, force, actor);
    }

    public Outcome requestFailback(String reason, boolean dryRun, String actor) {
        return request(OperationRow.Kind.FAILBACK, reason, dryRun, false, actor);
    }

    private synchronized Outcome request(OperationRow.Kind kind, String reason, boolean dryRun, boolean force, String actor) {
        if (!dryRun) {
            requireLeader();
        }
        StateRow s = store.state();
        boolean failback = kind == OperationRow.Kind.FAILBACK;
        Decision d = policy.decideManual(input(s, true), force, failback);
        List<RunbookStep> plan = planner.plan(kind, false);
        if (dryRun) {
            // a dry run reads and explains; it writes nothing and touches no site
            return new Outcome(d, plan, null, true);
        }
        store.audit(kind.name().toLowerCase(), actor, reason, (force ? "force; " : "") + d.summary());
        if (!d.proceeds()) {
            boolean busy = !d.holds(FailoverPolicy.STATE) && (s.currentOperation() != null || executor.isRunning());
            throw new Refusal(409, busy ? "Operation in progress" : "Refused", d.summary(), d);
        }
        UUID id = begin(kind, "manual", reason, s, d, true);
        return new Outcome(d, plan, id, false);
    }

    private UUID begin(OperationRow.Kind kind, String trigger, String reason, StateRow s, Decision d, boolean manual) {
        if (executor.isRunning()) {
            throw new Refusal(409, "Operation in progress", "operation " + executor.current().orElse(null) + " is running", d);
        }
        String from = s.activeSite();
        String to = sites.other(from);
        OperationRow op = new OperationRow(UUID.randomUUID(), kind, trigger, from, to, reason, OperationRow.Status.RUNNING,
                s.epoch() + 1, s.state(), toJson(d), clock.instant(), null, null, null);
        FailoverState running = kind == OperationRow.Kind.FAILOVER ? FailoverState.FAILING_OVER : FailoverState.FAILING_BACK;
        List<RunbookStep> plan = planner.plan(kind, !manual);
        if (!store.begin(op, RunbookExecutor.journal(plan), s.state(), s.epoch(), running)) {
            throw new Refusal(409, "Operation in progress", "the state changed while deciding (another operation or coordinator)", d);
        }
        lastRecordedRefusal = null;
        metrics.observe(running, op.epoch(), s.frozen());
        store.history("operation-started", op.id(), kind.name().toLowerCase() + " " + from + " -> " + to + " (" + trigger + ", epoch "
                + op.epoch() + "): " + reason);
        LOG.infof("%s %s -> %s started as operation %s, epoch %d (%s)", kind, from, to, op.id(), op.epoch(), trigger);
        executor.start(op, plan);
        return op.id();
    }

    public void freeze(FreezeRequest request, String actor) {
        requireLeader();
        store.freeze(request.reason(), request.until());
        store.audit("freeze", actor, request.reason(), request.until() == null ? "until unfrozen" : "until " + request.until());
        store.history("freeze", null, "frozen by " + actor + ": " + request.reason());
    }

    public void unfreeze(String actor) {
        requireLeader();
        store.unfreeze();
        store.audit("unfreeze", actor, null, null);
        store.history("unfreeze", null, "unfrozen by " + actor);
    }

    public void veto(UUID id, String actor) {
        requireLeader();
        OperationRow op = store.operation(id).orElseThrow(() -> new Refusal(404, "Not Found", "no operation " + id, null));
        if (op.status() != OperationRow.Status.RUNNING || !executor.veto(id, actor)) {
            throw new Refusal(409, "Not running", "operation " + id + " is " + op.status() + "; nothing to veto", null);
        }
        store.audit("veto", actor, null, "operation " + id);
        store.history("veto", id, "vetoed by " + actor);
    }

    /**
     * An operator declares a DEGRADED situation handled: the state returns to "<active site> active".
     * Refused while an operation runs, or while the inactive site is seen running an engine.
     */
    public void resolve(String reason, String actor) {
        requireLeader();
        StateRow s = store.state();
        if (s.state() != FailoverState.DEGRADED || s.currentOperation() != null || executor.isRunning()) {
            throw new Refusal(409, "Not degraded", "state is " + s.state() + (s.currentOperation() != null ? " with an operation running" : "")
                    + "; only DEGRADED can be resolved", null);
        }
        String inactive = sites.other(s.activeSite());
        String seen;
        try {
            Set<String> running = shell.runningEngine(inactive, Duration.ofSeconds(30));
            if (!running.isEmpty()) {
                throw new Refusal(409, "Engine running on inactive site", String.join(", ", running) + " running on " + inactive
                        + " while " + s.activeSite() + " is active: fail over or back, or stop it first", null);
            }
            seen = inactive + " checked: no engine running";
        } catch (SshFailure e) {
            seen = inactive + " not checked (" + e.getMessage() + ")";
        }
        FailoverState resolved = sites.isPrimary(s.activeSite()) ? FailoverState.PRIMARY_ACTIVE : FailoverState.STANDBY_ACTIVE;
        store.resolve(resolved);
        store.audit("resolve", actor, reason, resolved + "; " + seen);
        store.history("resolve", null, "DEGRADED resolved by " + actor + " to " + resolved + ": " + reason + "; " + seen);
        metrics.observe(resolved, s.epoch(), s.frozen());
    }

    public void acceptVerdicts(VerdictReport report) {
        if (!config.observers().names().contains(report.observer())) {
            throw new Refusal(422, "Unknown observer", "observer '" + report.observer() + "' is not in baton.coordinator.observers.names", null);
        }
        verdicts.record(report);
        recording.verdict(report);
    }

    private void requireLeader() {
        if (!lease.isLeader()) {
            throw new Refusal(503, "Not the leader", "this coordinator is a follower; the leader is "
                    + lease.current().orElse("unknown"), null);
        }
    }

    // ---- split-brain guard

    /**
     * Looks for a running engine on the site that should be stopped. If one is found (a compose restart
     * policy after a reboot, a hand-started stack) it is fenced again and a critical alert raised; if it
     * cannot be stopped, the state goes DEGRADED.
     *
     * @return what was found and done, or empty when the inactive site was clean or unreachable
     */
    public Optional<String> guard() {
        if (!lease.isLeader() || executor.isRunning()) {
            return Optional.empty();
        }
        StateRow s = store.state();
        if (s.state() != FailoverState.PRIMARY_ACTIVE && s.state() != FailoverState.STANDBY_ACTIVE) {
            return Optional.empty();
        }
        reconcileReplication(s);
        String inactive = sites.other(s.activeSite());
        Set<String> running;
        try {
            running = shell.runningEngine(inactive, Duration.ofSeconds(30));
        } catch (SshFailure e) {
            LOG.debugf("split-brain guard: %s not checked: %s", inactive, e.getMessage());
            return Optional.empty();
        }
        if (running.isEmpty()) {
            return Optional.empty();
        }
        metrics.splitBrain();
        String outcome;
        Severity severity = Severity.CRITICAL;
        try {
            shell.writeEpoch(inactive, s.epoch(), lease.actingTerm());
            Set<String> still = shell.stopEngine(inactive, s.epoch(), Duration.ofSeconds(60));
            outcome = still.isEmpty() ? "engine (" + String.join(", ", running) + ") found running on inactive site " + inactive
                    + " and fenced again" : "engine still running on " + inactive + " after stop: " + still;
            if (!still.isEmpty()) {
                store.degrade();
            }
        } catch (SiteEpochAhead stale) {
            // another coordinator may have made that site active: stopping its engine is not this coordinator's call
            outcome = "engine found running on " + inactive + ", left running: " + stale.getMessage();
            store.degrade();
        } catch (SshFailure e) {
            outcome = "engine found running on inactive site " + inactive + " and could not be stopped: " + e.getMessage();
            store.degrade();
        }
        store.history("split-brain", null, outcome);
        notifier.trySend(severity, "Baton: engine running on inactive site " + inactive, outcome + "\nActive site: " + s.activeSite()
                + ", epoch " + s.epoch(), "baton-split-brain-" + inactive, Map.of("site", inactive));
        LOG.error(outcome);
        return Optional.of(outcome);
    }

    /**
     * Keeps state-sync replicating from the active site at the current epoch, e.g. after state-sync
     * restarted with its configured defaults or missed the hand-over at the end of an operation.
     */
    private void reconcileReplication(StateRow s) {
        try {
            Optional<ActiveSite> a = stateSync.active();
            if (a.isEmpty() || !a.get().site().equals(s.activeSite()) || a.get().epoch() < s.epoch()) {
                stateSync.setActive(s.activeSite(), s.epoch(), lease.actingTerm());
                LOG.infof("state-sync told that %s is active at epoch %d (it followed %s)", s.activeSite(), s.epoch(),
                        a.map(x -> x.site() + "@" + x.epoch()).orElse("nothing"));
            }
        } catch (RuntimeException e) {
            LOG.debugf("state-sync replication not reconciled: %s", e.getMessage());
        }
    }

    // ---- reads

    public CoordinatorStatus status() {
        CoordinatorStatus.Decider decider = lease.decider();
        StateRow s;
        boolean unread = false;
        try {
            if (!decider.quorum()) {
                throw new StoreUnavailable(decider.detail(), null);
            }
            s = store.state();
        } catch (StoreUnavailable e) {
            // no quorum: say so, with the state as this instance last read it (if it ever did)
            s = store.lastKnownState().orElseThrow(() -> e);
            unread = true;
            if (decider.quorum()) {
                decider = new CoordinatorStatus.Decider(decider.store(), false, decider.leader(), e.getMessage());
            }
        }
        Instant now = clock.instant();
        Map<String, ObserverSummary> observers = new HashMap<>();
        Map<String, ObserverView> seen = verdicts.snapshot();
        for (String name : config.observers().names()) {
            ObserverView v = seen.get(name);
            Map<String, dev.baton.common.wire.HealthStatus> bySite = new HashMap<>();
            if (v != null) {
                v.sites().forEach((site, view) -> bySite.put(site, view.status()));
            }
            boolean stale = v == null || Duration.between(v.observedAt(), now).compareTo(settings.staleness()) > 0;
            observers.put(name, new ObserverSummary(v == null ? null : v.observedAt(), stale, bySite));
        }
        Instant cooldownUntil = s.lastOperationEnd() == null ? null : s.lastOperationEnd().plus(settings.cooldown());
        int last24h = unread ? 0 : store.failoversSince(now.minus(Duration.ofHours(24))).size();
        boolean frozen = s.frozen() && (s.frozenUntil() == null || now.isBefore(s.frozenUntil()));
        return new CoordinatorStatus(s.state(), s.activeSite(), s.epoch(), lease.term(), frozen, frozen ? s.frozenReason() : null,
                frozen ? s.frozenUntil() : null, cooldownUntil != null && cooldownUntil.isAfter(now) ? cooldownUntil : null, last24h,
                s.lastFailover(), s.lastFailback(), s.currentOperation() == null ? null : s.currentOperation().toString(), observers,
                shell.links().view(), decider, replicaLag.current());
    }

    /**
     * Whether {@code site} may keep running its engine ({@link SiteLease}), from a read of the decision store that
     * sees every write committed before it began (ZooKeeper: a sync first). No quorum, or a store that cannot be read:
     * 503, and the gate asks another coordinator or lets the lease run out.
     */
    public SiteLease siteLease(String site) {
        if (!sites.names().contains(site)) {
            throw new Refusal(404, "Not Found", "no site '" + site + "'; sites are " + String.join(", ", sites.names()), null);
        }
        CoordinatorStatus.Decider decider = lease.decider();
        if (!decider.quorum()) {
            throw new Refusal(503, "No quorum", "this coordinator cannot read the decision store: " + decider.detail(), null);
        }
        try {
            StateRow s = store.syncedState();
            OperationRow op = null;
            List<StepRow> steps = List.of();
            if (s.currentOperation() != null) {
                op = store.operation(s.currentOperation()).orElseThrow(
                        () -> new StoreUnavailable("operation " + s.currentOperation() + " is current but not journaled", null));
                steps = store.steps(op.id());
            }
            return SiteLeases.judge(site, s, op, steps, lease.term());
        } catch (StoreUnavailable e) {
            throw new Refusal(503, "No quorum", "this coordinator cannot read the decision store: " + e.getMessage(), null);
        }
    }

    /** The last automatic decision this instance made (null before the first tick). */
    public Decision lastDecision() {
        return lastDecision;
    }

    public Leadership lease() {
        return lease;
    }

    /**
     * What the policy decides on. The verdicts and the clock are read last, after everything that may take time (the
     * decision store's history, state-sync's status), so that a decision is about the verdicts as they are when it is
     * taken: run 213 of namespace seed 20261242 decided on a snapshot taken before a call to a stopped state-sync
     * that hung 4 s, during which the primary came back (a false failover).
     */
    private PolicyInput input(StateRow s, boolean fresh) {
        String active = s.activeSite();
        String other = sites.other(active);
        List<Instant> lastDay = store.failoversSince(clock.instant().minus(Duration.ofHours(24)));
        Instant synced = syncedAt(other, fresh);
        Instant now = clock.instant();
        return new PolicyInput(now, s.state(), active, other, sites.isPrimary(active), s.frozen(), s.frozenUntil(),
                s.currentOperation() != null || executor.isRunning(), verdicts.snapshot(), lastDay, s.lastOperationEnd(), synced,
                s.remediatedAt(), settings);
    }

    /**
     * When state was last synced to {@code site}. For a manual request ({@code fresh}) state-sync is asked now, and the
     * operator waits for it (and so does the first tick, with nothing known yet); for the policy's later ticks it is asked
     * in the background at most every
     * {@link #SYNC_STATUS_TTL} and the last answer is used, so a state-sync that does not answer (stopped, hung) never
     * holds up a decision.
     */
    private Instant syncedAt(String site, boolean fresh) {
        SyncSeen seen;
        synchronized (syncSeen) {
            seen = syncSeen.get(site);
        }
        if (fresh || seen == null) {
            // a manual request, or the first tick: nothing known yet to decide on
            return askStateSync(site);
        }
        syncRefresh.computeIfAbsent(site, k -> new dev.baton.coordinator.ui.BackgroundRefresh(SYNC_STATUS_TTL, clock,
                () -> askStateSync(k))).poke(clock.instant(), false);
        return seen.lastSuccess();
    }

    /** Asks state-sync and remembers the answer; when it cannot be asked, the last answer stands (and is returned). */
    private Instant askStateSync(String site) {
        Instant now = clock.instant();
        Instant last;
        try {
            last = stateSync.lastSuccess(site).orElse(null);
        } catch (RuntimeException e) {
            LOG.debugf("state-sync status unavailable: %s", e.getMessage());
            synchronized (syncSeen) {
                SyncSeen known = syncSeen.get(site);
                last = known == null ? null : known.lastSuccess();
            }
        }
        synchronized (syncSeen) {
            syncSeen.put(site, new SyncSeen(last, now));
        }
        return last;
    }

    /** Forgets what state-sync said: the next tick asks it again before deciding (tests; a restart does the same). */
    void forgetSyncStatus() {
        synchronized (syncSeen) {
            syncSeen.clear();
        }
    }

    private String toJson(Decision d) {
        try {
            return json.writeValueAsString(d);
        } catch (JsonProcessingException e) {
            return d.summary();
        }
    }
}
