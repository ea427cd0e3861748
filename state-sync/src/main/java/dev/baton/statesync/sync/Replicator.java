package dev.baton.statesync.sync;

import dev.baton.common.ssh.SshConnector;
import dev.baton.common.ssh.SshEndpoint;
import dev.baton.common.wire.SyncTargetStatus;
import dev.baton.statesync.client.NotifierClient;
import dev.baton.statesync.config.SyncConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Who replicates to whom: holds the active site and epoch (set by the coordinator), runs cycles on
 * request and continuously (a scheduler tick polls the active site's metadata), and keeps each
 * target's status. Cycles to one target never overlap.
 */
@ApplicationScoped
public class Replicator {
    private static final Logger LOG = Logger.getLogger(Replicator.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final SyncConfig config;
    private final SyncMetrics metrics;
    private final NotifierClient notifier;
    private final Clock clock;
    private final Map<String, Site> sites = new LinkedHashMap<>();
    private final Map<String, TargetState> targets = new LinkedHashMap<>();
    private final AtomicReference<Optional<EpochGuard.Active>> active = new AtomicReference<>(Optional.empty());
    private final SyncEngine engine;
    private final ScheduledExecutorService poller = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "state-sync-continuous");
        t.setDaemon(true);
        return t;
    });

    public Replicator(SyncConfig config, SshConnector connector, SyncMetrics metrics, NotifierClient notifier) {
        this.config = config;
        this.metrics = metrics;
        this.notifier = notifier;
        this.clock = Clock.systemUTC();
        config.sites().forEach((name, s) -> {
            sites.put(name, new Site(name, new SshEndpoint(s.host(), s.port(), s.user(), s.privateKey(), s.knownHosts(),
                    dev.baton.statesync.config.SyncConfigValidator.passphrase(name, s)),
                    s.root(), connector, config.transfer().connectTimeout(), config.transfer().parallelism(),
                    config.transfer().transport()));
            TargetState state = new TargetState(name);
            targets.put(name, state);
            metrics.lagGauge(name, state, t -> t.lagSeconds(clock.millis()).orElse(Double.NaN));
        });
        SyncConfig.Transfer t = config.transfer();
        SyncSet set;
        try {
            set = new SyncSet(config.paths(), config.newest().orElse(List.of()), config.excludes().orElse(List.of()));
        } catch (PathEscapeException e) {
            throw new IllegalStateException("invalid state-sync configuration: baton.sync.paths/newest: " + e.getMessage());
        }
        this.engine = new SyncEngine(set,
                new SyncEngine.Options(config.snapshots(), config.deleteThreshold(), t.parallelism(), t.readAttempts(),
                        t.verifyAttempts(), t.racyWindow(), t.preserveOwnership(), t.stallTimeout(),
                        t.commandTimeout()),
                TransferHooks.NONE, metrics, clock);
        config.active().site().ifPresent(site -> active.set(Optional.of(new EpochGuard.Active(site, config.active().epoch(), 0))));
    }

    public Optional<EpochGuard.Active> active() {
        return active.get();
    }

    /**
     * Follows a new active site. The epoch never goes back, one epoch has one active site, and within an epoch the
     * leadership term never goes back (a deposed coordinator's late call is refused).
     */
    public synchronized EpochGuard.Active setActive(String site, long epoch, long term) throws SyncRefused {
        site(site);
        Optional<EpochGuard.Active> now = active.get();
        if (now.isPresent()) {
            EpochGuard.Active a = now.get();
            if (epoch < a.epoch()) {
                throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: epoch " + epoch
                        + " is older than the current epoch " + a.epoch() + " (active: " + a.site() + ")");
            }
            if (epoch == a.epoch() && term < a.term()) {
                throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: term " + term + " is older than the term "
                        + a.term() + " seen for epoch " + epoch + ": a deposed coordinator");
            }
            if (epoch == a.epoch() && !a.site().equals(site)) {
                throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: epoch " + epoch + " already has "
                        + a.site() + " as its active site; a new active site needs a new epoch");
            }
        }
        // within one epoch the highest term seen stays; a new epoch starts from its first leader's term
        long seen = now.filter(a -> a.epoch() == epoch).map(a -> Math.max(a.term(), term)).orElse(term);
        EpochGuard.Active next = new EpochGuard.Active(site, epoch, seen);
        active.set(Optional.of(next));
        LOG.infof("active site is now %s at epoch %d (term %d)", site, epoch, next.term());
        return next;
    }

    /** One cycle on request (the coordinator's {@code POST /api/v1/sync}). Blocking. */
    public CycleResult sync(String from, String to, long epoch, long term) throws SyncRefused, SyncFailed {
        Site source = site(from);
        Site target = site(to);
        try {
            EpochGuard.checkRequest(active.get(), from, to, epoch, term);
        } catch (SyncRefused e) {
            recordRefusal(to, e);
            throw e;
        }
        return runCycle(source, target, epoch);
    }

    /**
     * Starts the continuous loop. Not the Quarkus scheduler: its {@code every} is rounded up to 1 s
     * (it warns so at boot), too coarse for a sub-second lag; one daemon thread with a fixed delay
     * between ticks also guarantees ticks never overlap.
     */
    void start(@Observes StartupEvent event) {
        if (!config.continuous().enabled()) {
            LOG.info("continuous replication is off (baton.sync.continuous.enabled=false)");
            return;
        }
        poller.schedule(this::loop, config.continuous().interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    /** One tick, then the next: at once after a tick that changed a target, else after the interval. */
    private void loop() {
        boolean changed = false;
        try {
            changed = tick();
        } catch (RuntimeException e) {
            // never let one bad tick end the loop
            LOG.error("continuous replication tick failed", e);
        }
        try {
            poller.schedule(this::loop, changed ? 0 : config.continuous().interval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the service is stopping
        }
    }

    /**
     * The continuous loop's tick: one poll of the active site, a cycle to each target if anything changed.
     *
     * @return true if some target received a new version
     */
    boolean tick() {
        if (!config.continuous().enabled() || active.get().isEmpty()) {
            return false;
        }
        boolean changed = false;
        EpochGuard.Active a = active.get().get();
        Site source = sites.get(a.site());
        for (Site target : sites.values()) {
            if (target == source || !targets.get(target.name()).due(clock.millis())) {
                continue;
            }
            try {
                changed |= runCycle(source, target, a.epoch()).changed();
            } catch (SyncRefused | SyncFailed e) {
                // recorded in the target's status and metrics by runCycle
            }
        }
        return changed;
    }

    private CycleResult runCycle(Site source, Site target, long epoch) throws SyncRefused, SyncFailed {
        TargetState state = targets.get(target.name());
        state.lock.lock();
        try {
            CycleResult r = engine.cycle(source, target, epoch);
            int failedBefore = state.failures();
            state.succeeded(r, clock.millis(), interval());
            if (failedBefore > 0) {
                LOG.infof("replication to %s works again after %d failed cycles", target.name(), failedBefore);
            }
            metrics.cycle(target.name(), r);
            if (r.changed()) {
                LOG.debugf("%s -> %s: snapshot %s (%d files, %d bytes)", source.name(), target.name(), r.snapshotId(),
                        r.files(), r.bytes());
            }
            return r;
        } catch (SyncRefused e) {
            recordRefusal(target.name(), e);
            throw e;
        } catch (SyncFailed e) {
            boolean firstFailure = state.failed(e.getMessage(), clock.millis(), interval());
            metrics.failure(target.name());
            if (firstFailure) {
                LOG.warnf("replication to %s failed: %s", target.name(), e.getMessage());
            }
            throw e;
        } finally {
            state.lock.unlock();
        }
    }

    private void recordRefusal(String target, SyncRefused e) {
        TargetState state = targets.get(target);
        if (state != null && state.failed(e.getMessage(), clock.millis(), interval())) {
            // a refusal is an alert: it means someone must look (stale coordinator, emptied source...)
            LOG.errorf("replication to %s refused: %s", target, e.getMessage());
            notifier.alert(notifier.refusal(target, e.reason().name().toLowerCase(), e.getMessage()));
        }
        metrics.refusal(target, e.reason());
    }

    private Duration interval() {
        return config.continuous().interval();
    }

    /**
     * Targets whose last cycle failed or was refused, with the reason (empty when every target's last cycle
     * succeeded, or none has run yet): what readiness reports.
     */
    public Map<String, String> failingTargets() {
        Map<String, String> out = new java.util.TreeMap<>();
        String activeSite = active.get().map(EpochGuard.Active::site).orElse(null);
        for (TargetState t : targets.values()) {
            String error = t.lastError;
            if (!t.name.equals(activeSite) && error != null) {
                out.put(t.name, error);
            }
        }
        return out;
    }

    public List<SyncTargetStatus> status() {
        long now = clock.millis();
        String activeSite = active.get().map(EpochGuard.Active::site).orElse(null);
        List<SyncTargetStatus> out = new ArrayList<>();
        for (TargetState t : targets.values()) {
            if (!t.name.equals(activeSite)) {
                out.add(t.view(now));
            }
        }
        return out;
    }

    public List<SnapshotInfo> snapshots(String site) throws SyncFailed, SyncRefused {
        return engine.snapshots(site(site));
    }

    public List<String> siteNames() {
        return List.copyOf(sites.keySet());
    }

    /** Restores a snapshot on a site; refused for an epoch older than the current one. */
    public Optional<SnapshotInfo> restore(String site, String id, long epoch) throws SyncRefused, SyncFailed {
        Site s = site(site);
        Optional<EpochGuard.Active> a = active.get();
        if (a.isPresent() && epoch < a.get().epoch()) {
            throw new SyncRefused(SyncRefused.Reason.STALE_EPOCH, "refused: request epoch " + epoch
                    + " is older than the current epoch " + a.get().epoch());
        }
        TargetState state = targets.get(site);
        state.lock.lock();
        try {
            Optional<SnapshotInfo> restored = engine.restore(s, id, epoch);
            restored.ifPresent(r -> LOG.infof("restored snapshot %s on %s", id, site));
            return restored;
        } finally {
            state.lock.unlock();
        }
    }

    private Site site(String name) throws SyncRefused {
        Site s = sites.get(name);
        if (s == null) {
            throw new SyncRefused(SyncRefused.Reason.BAD_REQUEST, "unknown site " + name + "; configured: " + sites.keySet());
        }
        return s;
    }

    void shutdown(@Observes ShutdownEvent event) {
        poller.shutdownNow();
        engine.close();
        sites.values().forEach(Site::close);
    }

    /** A target's replication state; mutated under its lock or by the single scheduler thread. */
    static final class TargetState {
        final String name;
        final ReentrantLock lock = new ReentrantLock();
        private volatile Instant lastSuccessAt;
        private volatile long confirmedAtMillis = -1;
        private volatile long bytes;
        private volatile int files;
        private volatile String lastError;
        private volatile int failures;
        private volatile long nextAttemptAt;

        TargetState(String name) {
            this.name = name;
        }

        void succeeded(CycleResult r, long now, Duration interval) {
            lastSuccessAt = Instant.ofEpochMilli(now);
            confirmedAtMillis = r.listedAtMillis();
            if (r.changed()) {
                bytes = r.bytes();
                files = (int) r.files();
            }
            lastError = null;
            failures = 0;
            nextAttemptAt = 0;
        }

        /** @return true for the first failure of a streak (log it once, not every 200 ms) */
        boolean failed(String error, long now, Duration interval) {
            boolean first = failures == 0 || !error.equals(lastError);
            lastError = error;
            failures++;
            long backoff = Math.min(MAX_BACKOFF.toMillis(), interval.toMillis() << Math.min(failures, 10));
            nextAttemptAt = now + backoff;
            return first;
        }

        int failures() {
            return failures;
        }

        boolean due(long now) {
            return now >= nextAttemptAt;
        }

        Optional<Double> lagSeconds(long now) {
            return confirmedAtMillis < 0 ? Optional.empty() : Optional.of((now - confirmedAtMillis) / 1000.0);
        }

        SyncTargetStatus view(long now) {
            return new SyncTargetStatus(name, lastSuccessAt, lagSeconds(now).orElse(null), bytes, files, lastError);
        }
    }
}
