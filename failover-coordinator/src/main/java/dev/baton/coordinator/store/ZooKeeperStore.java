package dev.baton.coordinator.store;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.wire.FailoverState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The decision store on a ZooKeeper ensemble (one server per place), through Curator. Layout under the base path:
 * {@code state} (lifecycle state, epoch, freeze, the failover times the cap counts), {@code operations/<started
 * millis>-<id>} (an operation with its step journal), {@code history/h-<seq>} and {@code audit/a-<seq>} (bounded by
 * {@code retention}), {@code term} and {@code leader} ({@link ZooKeeperLeadership}).
 *
 * <p>Every write is one {@code multi}: a {@code check} that this instance's latch node exists, then versioned
 * {@code setData}/{@code create}/{@code delete}. A deposed leader's write therefore fails whole ({@link NotLeader});
 * two writers of the same node retry on the new version and re-check their condition. Only {@link #initialise}
 * writes without leading (it creates what is missing and changes nothing that exists). Strings are clipped so that
 * no znode comes near ZooKeeper's 1 MB limit.
 */
public class ZooKeeperStore implements CoordinatorStore {
    static final int MAX_TEXT = 4000;
    private static final int MAX_ATTEMPTS = 20;
    /** How long a read for a site's lease waits for its ZooKeeper server to catch up with the leader. */
    private static final java.time.Duration SYNC_TIMEOUT = java.time.Duration.ofSeconds(2);
    private static final Duration FAILOVER_MEMORY = Duration.ofHours(48);
    private static final int PRUNE_EVERY = 50;

    /** The state node's content: the state row and the start times of recent failovers. */
    public record StateNode(StateRow row, List<Instant> failovers) {
    }

    /** An operation node's content: the operation and its journal. */
    public record OperationNode(OperationRow op, List<StepRow> steps) {
    }

    /** A history node's content (its id is the node's sequence number). */
    public record HistoryNode(Instant at, String kind, UUID operationId, String summary) {
    }

    private final CuratorFramework client;
    private final ZooKeeperLeadership leadership;
    private final ObjectMapper json;
    private final Clock clock;
    private final String base;
    private final int keepOperations;
    private final int keepHistory;
    private final Timer reads;
    private final Timer writes;
    private final AtomicInteger appends = new AtomicInteger();
    private volatile StateRow lastKnown;

    public ZooKeeperStore(CuratorFramework client, ZooKeeperLeadership leadership, String basePath, int keepOperations, int keepHistory,
            ObjectMapper json, Clock clock, MeterRegistry registry) {
        this.client = client;
        this.leadership = leadership;
        this.base = basePath;
        this.keepOperations = keepOperations;
        this.keepHistory = keepHistory;
        this.json = json;
        this.clock = clock;
        this.reads = Timer.builder("baton.coordinator.store.latency").tag("op", "read").publishPercentileHistogram().register(registry);
        this.writes = Timer.builder("baton.coordinator.store.latency").tag("op", "write").publishPercentileHistogram().register(registry);
    }

    @Override
    public void initialise(String activeSite, FailoverState state, long epoch) {
        StateRow first = new StateRow(state, activeSite, epoch, false, null, null, null, null, null, null, null, null);
        try {
            for (String dir : List.of("operations", "history", "audit")) {
                createIfAbsent(base + "/" + dir, new byte[0]);
            }
            createIfAbsent(base + "/term", json.writeValueAsBytes(new ZooKeeperLeadership.Term(0, null)));
            createIfAbsent(base + "/state", json.writeValueAsBytes(new StateNode(first, List.of())));
        } catch (StoreUnavailable e) {
            throw e;
        } catch (Exception e) {
            throw unavailable("initialise", e);
        }
    }

    private void createIfAbsent(String path, byte[] data) throws Exception {
        try {
            client.create().creatingParentsIfNeeded().forPath(path, data);
        } catch (KeeperException.NodeExistsException exists) {
            // created by this or another instance before: left as it is
        }
    }

    // ---- state

    @Override
    public StateRow state() {
        StateRow row = readState().value().row();
        lastKnown = row;
        return row;
    }

    @Override
    public StateRow syncedState() {
        java.util.concurrent.CountDownLatch synced = new java.util.concurrent.CountDownLatch(1);
        int[] result = {Integer.MIN_VALUE};
        try {
            client.sync().inBackground((c, event) -> {
                result[0] = event.getResultCode();
                synced.countDown();
            }).forPath(base + "/state");
            if (!synced.await(SYNC_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                throw new StoreUnavailable("ZooKeeper sync did not complete within " + SYNC_TIMEOUT.toMillis() + " ms", null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailable("interrupted while syncing with ZooKeeper", e);
        } catch (StoreUnavailable e) {
            throw e;
        } catch (Exception e) {
            throw unavailable("sync", e);
        }
        if (result[0] != KeeperException.Code.OK.intValue()) {
            throw new StoreUnavailable("ZooKeeper sync failed: " + KeeperException.Code.get(result[0]), null);
        }
        return state();
    }

    @Override
    public Optional<StateRow> lastKnownState() {
        return Optional.ofNullable(lastKnown);
    }

    private record Versioned<T>(T value, int version) {
    }

    private Versioned<StateNode> readState() {
        return read(base + "/state", StateNode.class)
                .orElseThrow(() -> new StoreUnavailable("no state under " + base + ": the coordinator has not initialised it", null));
    }

    /** Rewrites the state with {@code change}; a null from {@code change} means "condition not met, write nothing". */
    private boolean updateState(UnaryOperator<StateNode> change, CuratorOp... alsoOps) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned<StateNode> current = readState();
            StateNode next = change.apply(current.value());
            if (next == null) {
                return false;
            }
            if (next == current.value()) {
                // already so (a write whose answer was lost in a reconnection and that landed)
                return true;
            }
            List<CuratorOp> ops = new ArrayList<>();
            try {
                ops.add(client.transactionOp().setData().withVersion(current.version()).forPath(base + "/state", bytes(next)));
            } catch (Exception e) {
                throw unavailable("state", e);
            }
            ops.addAll(List.of(alsoOps));
            if (commit(ops)) {
                lastKnown = next.row();
                return true;
            }
        }
        throw new StoreUnavailable("state not written: " + MAX_ATTEMPTS + " concurrent changes in a row", null);
    }

    @Override
    public boolean begin(OperationRow op, List<PlannedStep> plan, FailoverState expectedState, long expectedEpoch, FailoverState newState) {
        List<StepRow> steps = new ArrayList<>();
        for (int i = 0; i < plan.size(); i++) {
            steps.add(new StepRow(i, plan.get(i).name(), plan.get(i).type(), StepRow.Status.PENDING, 0, null, null, null));
        }
        CuratorOp create;
        try {
            create = client.transactionOp().create().forPath(operationPath(op), bytes(new OperationNode(clip(op), steps)));
        } catch (Exception e) {
            throw unavailable("operation", e);
        }
        return updateState(s -> {
            StateRow r = s.row();
            if (op.id().equals(r.currentOperation()) && r.epoch() == op.epoch()) {
                return s;
            }
            if (r.state() != expectedState || r.epoch() != expectedEpoch || r.currentOperation() != null) {
                return null;
            }
            List<Instant> failovers = new ArrayList<>(s.failovers());
            failovers.removeIf(t -> t.isBefore(op.startedAt().minus(FAILOVER_MEMORY)));
            if (op.kind() == OperationRow.Kind.FAILOVER) {
                failovers.add(op.startedAt());
            }
            return new StateNode(new StateRow(newState, r.activeSite(), op.epoch(), r.frozen(), r.frozenReason(), r.frozenUntil(), op.id(),
                    r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), r.lastDecision()), failovers);
        }, create);
    }

    @Override
    public boolean finish(UUID id, long epoch, OperationRow.Status status, FailoverState newState, String activeSite, String detail, Instant at) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Versioned<StateNode> state = readState();
            if (state.value().row().epoch() != epoch) {
                return false;
            }
            String path = operationPath(id);
            Versioned<OperationNode> opNode = read(path, OperationNode.class).orElse(null);
            OperationRow op = opNode == null ? null : opNode.value().op();
            StateRow r = state.value().row();
            if (op != null && op.status() == status && r.currentOperation() == null && activeSite.equals(r.activeSite())) {
                // already finished so (a write whose answer was lost in a reconnection and that landed)
                return true;
            }
            boolean succeeded = status == OperationRow.Status.SUCCEEDED && op != null;
            StateRow next = new StateRow(newState, activeSite, r.epoch(), r.frozen(), r.frozenReason(), r.frozenUntil(), null,
                    succeeded && op.kind() == OperationRow.Kind.FAILOVER ? at : r.lastFailover(),
                    succeeded && op.kind() == OperationRow.Kind.FAILBACK ? at : r.lastFailback(), at, r.remediatedAt(), r.lastDecision());
            List<CuratorOp> ops = new ArrayList<>();
            try {
                ops.add(client.transactionOp().setData().withVersion(state.version()).forPath(base + "/state",
                        bytes(new StateNode(next, state.value().failovers()))));
                if (op != null) {
                    OperationRow done = new OperationRow(op.id(), op.kind(), op.trigger(), op.fromSite(), op.toSite(), op.reason(), status,
                            op.epoch(), op.previousState(), op.decision(), op.startedAt(), at, clip(detail), op.rpoSeconds(), op.sessionRelease());
                    ops.add(client.transactionOp().setData().withVersion(opNode.version()).forPath(path,
                            bytes(new OperationNode(done, opNode.value().steps()))));
                }
            } catch (Exception e) {
                throw unavailable("finish", e);
            }
            if (commit(ops)) {
                lastKnown = next;
                pruneOperations();
                return true;
            }
        }
        throw new StoreUnavailable("operation " + id + " not finished: " + MAX_ATTEMPTS + " concurrent changes in a row", null);
    }

    @Override
    public void setActiveSite(String site) {
        updateState(s -> withRow(s, r -> new StateRow(r.state(), site, r.epoch(), r.frozen(), r.frozenReason(), r.frozenUntil(),
                r.currentOperation(), r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), r.lastDecision())));
    }

    @Override
    public void degrade() {
        updateState(s -> withRow(s, r -> new StateRow(FailoverState.DEGRADED, r.activeSite(), r.epoch(), r.frozen(), r.frozenReason(),
                r.frozenUntil(), r.currentOperation(), r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), r.lastDecision())));
    }

    @Override
    public boolean resolve(FailoverState state) {
        return updateState(s -> {
            StateRow r = s.row();
            if (r.state() != FailoverState.DEGRADED || r.currentOperation() != null) {
                return null;
            }
            return withRow(s, x -> new StateRow(state, r.activeSite(), r.epoch(), r.frozen(), r.frozenReason(), r.frozenUntil(), null,
                    r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), r.lastDecision()));
        });
    }

    @Override
    public void setRemediatedAt(Instant at) {
        updateState(s -> withRow(s, r -> new StateRow(r.state(), r.activeSite(), r.epoch(), r.frozen(), r.frozenReason(), r.frozenUntil(),
                r.currentOperation(), r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), at, r.lastDecision())));
    }

    @Override
    public void setLastDecision(String decision) {
        String d = decision != null && decision.length() > 64 * 1024 ? null : decision;
        updateState(s -> withRow(s, r -> new StateRow(r.state(), r.activeSite(), r.epoch(), r.frozen(), r.frozenReason(), r.frozenUntil(),
                r.currentOperation(), r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), d)));
    }

    @Override
    public void freeze(String reason, Instant until) {
        updateState(s -> withRow(s, r -> new StateRow(r.state(), r.activeSite(), r.epoch(), true, clip(reason), until, r.currentOperation(),
                r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), r.lastDecision())));
    }

    @Override
    public void unfreeze() {
        updateState(s -> withRow(s, r -> new StateRow(r.state(), r.activeSite(), r.epoch(), false, null, null, r.currentOperation(),
                r.lastFailover(), r.lastFailback(), r.lastOperationEnd(), r.remediatedAt(), r.lastDecision())));
    }

    private static StateNode withRow(StateNode s, UnaryOperator<StateRow> change) {
        return new StateNode(change.apply(s.row()), s.failovers());
    }

    @Override
    public List<Instant> failoversSince(Instant since) {
        return readState().value().failovers().stream().filter(t -> t.isAfter(since)).toList();
    }

    // ---- operations and their journal

    private String operationPath(OperationRow op) {
        return base + "/operations/" + String.format("%013d-%s", op.startedAt().toEpochMilli(), op.id());
    }

    /** Where each operation's znode is: found once per operation, not listed again on every journal write. */
    private final java.util.Map<UUID, String> operationPaths = new java.util.concurrent.ConcurrentHashMap<>();

    private String operationPath(UUID id) {
        String known = operationPaths.get(id);
        if (known != null) {
            return known;
        }
        String suffix = "-" + id;
        return children("operations").stream().filter(n -> n.endsWith(suffix)).findFirst()
                .map(n -> {
                    operationPaths.put(id, base + "/operations/" + n);
                    return base + "/operations/" + n;
                }).orElse(base + "/operations/unknown" + suffix);
    }

    @Override
    public Optional<OperationRow> operation(UUID id) {
        return read(operationPath(id), OperationNode.class).map(v -> v.value().op());
    }

    @Override
    public List<OperationRow> operations(int limit) {
        List<String> names = new ArrayList<>(children("operations"));
        names.sort(Comparator.reverseOrder());
        List<OperationRow> out = new ArrayList<>();
        for (String n : names) {
            if (out.size() >= limit) {
                break;
            }
            read(base + "/operations/" + n, OperationNode.class).ifPresent(v -> out.add(v.value().op()));
        }
        return out;
    }

    @Override
    public List<OperationRow> running() {
        List<String> names = new ArrayList<>(children("operations"));
        names.sort(Comparator.naturalOrder());
        List<OperationRow> out = new ArrayList<>();
        for (String n : names) {
            read(base + "/operations/" + n, OperationNode.class).map(v -> v.value().op())
                    .filter(op -> op.status() == OperationRow.Status.RUNNING).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public void setRpo(UUID id, double seconds) {
        updateOperation(id, n -> new OperationNode(withOp(n.op(), seconds, n.op().sessionRelease()), n.steps()));
    }

    @Override
    public void setSessionRelease(UUID id, SessionRelease release) {
        SessionRelease clipped = new SessionRelease(release.by(), release.fencedAt(), release.releasedAt(), clip(release.detail()));
        updateOperation(id, n -> new OperationNode(withOp(n.op(), n.op().rpoSeconds(), clipped), n.steps()));
    }

    private static OperationRow withOp(OperationRow o, Double rpo, SessionRelease release) {
        return new OperationRow(o.id(), o.kind(), o.trigger(), o.fromSite(), o.toSite(), o.reason(), o.status(), o.epoch(), o.previousState(),
                o.decision(), o.startedAt(), o.finishedAt(), o.detail(), rpo, release);
    }

    @Override
    public void stepStarted(UUID op, int index, Instant at) {
        updateStep(op, index, s -> new StepRow(s.index(), s.name(), s.type(), StepRow.Status.RUNNING, s.attempts() + 1,
                s.startedAt() == null ? at : s.startedAt(), null, s.detail()));
    }

    @Override
    public void stepProgress(UUID op, int index, String detail) {
        updateStep(op, index, s -> s.status() != StepRow.Status.RUNNING ? s
                : new StepRow(s.index(), s.name(), s.type(), s.status(), s.attempts(), s.startedAt(), s.finishedAt(), clip(detail)));
    }

    @Override
    public void stepFinished(UUID op, int index, StepRow.Status status, String detail, Instant at) {
        updateStep(op, index, s -> new StepRow(s.index(), s.name(), s.type(), status, s.attempts(), s.startedAt(), at, clip(detail)));
    }

    @Override
    public List<StepRow> steps(UUID op) {
        return read(operationPath(op), OperationNode.class).map(v -> v.value().steps()).orElse(List.of());
    }

    private void updateStep(UUID op, int index, UnaryOperator<StepRow> change) {
        updateOperation(op, n -> {
            List<StepRow> steps = new ArrayList<>(n.steps());
            for (int i = 0; i < steps.size(); i++) {
                if (steps.get(i).index() == index) {
                    steps.set(i, change.apply(steps.get(i)));
                }
            }
            return new OperationNode(n.op(), steps);
        });
    }

    private void updateOperation(UUID id, UnaryOperator<OperationNode> change) {
        String path = operationPath(id);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Optional<Versioned<OperationNode>> current = read(path, OperationNode.class);
            if (current.isEmpty()) {
                return;
            }
            try {
                if (commit(List.of(client.transactionOp().setData().withVersion(current.get().version())
                        .forPath(path, bytes(change.apply(current.get().value())))))) {
                    return;
                }
            } catch (NotLeader | StoreUnavailable e) {
                throw e;
            } catch (Exception e) {
                throw unavailable("operation " + id, e);
            }
        }
        throw new StoreUnavailable("operation " + id + " not written: " + MAX_ATTEMPTS + " concurrent changes in a row", null);
    }

    /** Removes the oldest finished operations beyond the retention (never a running one). */
    private void pruneOperations() {
        List<String> names = new ArrayList<>(children("operations"));
        if (names.size() <= keepOperations) {
            return;
        }
        names.sort(Comparator.naturalOrder());
        List<String> old = new ArrayList<>();
        for (String n : names.subList(0, names.size() - keepOperations)) {
            read(base + "/operations/" + n, OperationNode.class).filter(v -> v.value().op().status() != OperationRow.Status.RUNNING)
                    .ifPresent(v -> old.add(base + "/operations/" + n));
        }
        delete(old);
    }

    // ---- history and audit

    @Override
    public void history(String kind, UUID operation, String summary) {
        append("history/h-", new HistoryNode(clock.instant(), kind, operation, clip(summary)), "history");
    }

    @Override
    public List<HistoryEntry> history(int limit) {
        return newest("history", limit, HistoryNode.class).stream()
                .map(e -> new HistoryEntry(e.sequence(), e.value().at(), e.value().kind(), e.value().operationId(), e.value().summary()))
                .toList();
    }

    @Override
    public void audit(String action, String actor, String reason, String detail) {
        append("audit/a-", new AuditEntry(clock.instant(), action, actor, clip(reason), clip(detail)), "audit");
    }

    @Override
    public List<AuditEntry> audit(int limit) {
        return newest("audit", limit, AuditEntry.class).stream().map(Sequenced::value).toList();
    }

    private void append(String prefix, Object entry, String dir) {
        try {
            commit(List.of(client.transactionOp().create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).forPath(base + "/" + prefix, bytes(entry))));
        } catch (NotLeader | StoreUnavailable e) {
            throw e;
        } catch (Exception e) {
            throw unavailable(dir, e);
        }
        if (appends.incrementAndGet() % PRUNE_EVERY == 0) {
            prune(dir, keepHistory);
        }
    }

    /** Removes the oldest entries of {@code dir} beyond {@code keep}. */
    void prune(String dir, int keep) {
        List<String> names = new ArrayList<>(children(dir));
        if (names.size() <= keep) {
            return;
        }
        names.sort(Comparator.naturalOrder());
        delete(names.subList(0, names.size() - keep).stream().map(n -> base + "/" + dir + "/" + n).toList());
    }

    private record Sequenced<T>(long sequence, T value) {
    }

    private <T> List<Sequenced<T>> newest(String dir, int limit, Class<T> type) {
        List<String> names = new ArrayList<>(children(dir));
        names.sort(Comparator.reverseOrder());
        List<Sequenced<T>> out = new ArrayList<>();
        for (String n : names) {
            if (out.size() >= limit) {
                break;
            }
            long seq = Long.parseLong(n.substring(n.indexOf('-') + 1));
            read(base + "/" + dir + "/" + n, type).ifPresent(v -> out.add(new Sequenced<>(seq, v.value())));
        }
        return out;
    }

    // ---- plumbing

    /** Commits {@code ops} after the leadership check. False = a version changed (re-read and retry). */
    private boolean commit(List<CuratorOp> ops) {
        long started = System.nanoTime();
        try {
            List<CuratorOp> all = new ArrayList<>(ops.size() + 1);
            all.add(leadership.fence());
            all.addAll(ops);
            client.transaction().forOperations(all);
            return true;
        } catch (KeeperException.BadVersionException | KeeperException.NodeExistsException raced) {
            return false;
        } catch (KeeperException.NoNodeException | KeeperException.SessionExpiredException e) {
            if (!leadership.fenceHolds()) {
                leadership.deposed("a write found this instance's latch node gone");
                throw new NotLeader("this instance no longer leads: its write was refused by the quorum");
            }
            return false;
        } catch (NotLeader e) {
            throw e;
        } catch (Exception e) {
            throw unavailable("write", e);
        } finally {
            writes.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private void delete(List<String> paths) {
        for (int from = 0; from < paths.size(); from += 100) {
            List<CuratorOp> ops = new ArrayList<>();
            try {
                for (String p : paths.subList(from, Math.min(paths.size(), from + 100))) {
                    ops.add(client.transactionOp().delete().forPath(p));
                }
            } catch (Exception e) {
                throw unavailable("prune", e);
            }
            commit(ops);
        }
    }

    private <T> Optional<Versioned<T>> read(String path, Class<T> type) {
        long started = System.nanoTime();
        try {
            Stat stat = new Stat();
            byte[] data = client.getData().storingStatIn(stat).forPath(path);
            return Optional.of(new Versioned<>(json.readValue(data, type), stat.getVersion()));
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw unavailable("read " + path, e);
        } finally {
            reads.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    private List<String> children(String dir) {
        try {
            return client.getChildren().forPath(base + "/" + dir);
        } catch (KeeperException.NoNodeException e) {
            return List.of();
        } catch (Exception e) {
            throw unavailable("list " + dir, e);
        }
    }

    private byte[] bytes(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("not serialisable: " + value.getClass().getSimpleName(), e);
        }
    }

    private static StoreUnavailable unavailable(String what, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new StoreUnavailable("ZooKeeper " + what + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
    }

    static String clip(String s) {
        return s == null || s.length() <= MAX_TEXT ? s : s.substring(0, MAX_TEXT - 1) + "…";
    }

    private static OperationRow clip(OperationRow o) {
        return new OperationRow(o.id(), o.kind(), o.trigger(), o.fromSite(), o.toSite(), clip(o.reason()), o.status(), o.epoch(),
                o.previousState(), o.decision() != null && o.decision().length() > 64 * 1024 ? null : o.decision(), o.startedAt(),
                o.finishedAt(), clip(o.detail()), o.rpoSeconds(), o.sessionRelease());
    }
}
