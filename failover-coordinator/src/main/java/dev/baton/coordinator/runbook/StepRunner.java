package dev.baton.coordinator.runbook;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.SshFailure;
import dev.baton.common.wire.HealthStatus;
import dev.baton.common.wire.Severity;
import dev.baton.common.wire.SwitchRequest;
import dev.baton.coordinator.client.DnsManagerClient;
import dev.baton.coordinator.client.NotifierClient;
import dev.baton.coordinator.client.ServiceCallFailed;
import dev.baton.coordinator.client.ActiveSite;
import dev.baton.coordinator.client.StateSyncClient;
import dev.baton.coordinator.config.CoordinatorConfig;
import dev.baton.coordinator.policy.ObserverView;
import dev.baton.coordinator.policy.VerdictBook;
import dev.baton.coordinator.store.CoordinatorStore;
import dev.baton.coordinator.store.SessionRelease;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/** Does one step of a runbook. Every wait is bounded by the step's deadline. */
@ApplicationScoped
public class StepRunner {
    private static final Logger LOG = Logger.getLogger(StepRunner.class);
    private static final Duration POLL = Duration.ofMillis(250);
    /** What a presumption waits beyond the site lease: the two clocks' rates, and the gate's own kill. */
    private static final Duration LEASE_MARGIN = Duration.ofSeconds(1);

    private final SiteShell shell;
    private final BrokerSession broker;
    private final Sites sites;
    private final StateSyncClient stateSync;
    private final DnsManagerClient dns;
    private final NotifierClient notifier;
    private final VerdictBook verdicts;
    private final CoordinatorStore store;
    private final CoordinatorConfig config;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final PostgresSteps postgres;
    private final RedisSteps redis;

    public StepRunner(SiteShell shell, BrokerSession broker, Sites sites, StateSyncClient stateSync, DnsManagerClient dns, NotifierClient notifier,
            VerdictBook verdicts, CoordinatorStore store, CoordinatorConfig config, ObjectMapper json, Clock clock, SiteDatabases databases,
            SiteRedis redis) {
        this.postgres = new PostgresSteps(databases, shell, clock);
        this.redis = new RedisSteps(redis, clock);
        this.shell = shell;
        this.broker = broker;
        this.sites = sites;
        this.stateSync = stateSync;
        this.dns = dns;
        this.notifier = notifier;
        this.verdicts = verdicts;
        this.store = store;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /** What a dry run shows for {@code step} besides its description: a database step's precondition as it stands now. */
    public Optional<String> evaluate(RunbookStep step, String from, String to) {
        return step.type().startsWith("pg-") ? Optional.of(postgres.evaluate(step, from, to)) : Optional.empty();
    }

    /** @return a one-line account of what was done, for the journal */
    String run(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        return switch (step.type()) {
            case RunbookPlanner.VETO_WINDOW -> vetoWindow(step, ctx);
            case "notify" -> notify(step, ctx);
            case "http-hook" -> httpHook(step, ctx, deadline);
            case "ssh" -> ssh(step, ctx, deadline);
            case "fence" -> fence(ctx, deadline);
            case "sync" -> sync(ctx);
            case "start" -> start(ctx, deadline);
            case "wait-healthy" -> waitHealthy(step, ctx, deadline);
            case "dns" -> dns(ctx, deadline);
            case "pg-fence-old" -> postgres.fenceOld(step, ctx, deadline);
            case "pg-check-replica" -> postgres.checkReplica(step, ctx, deadline);
            case "pg-promote" -> postgres.promote(step, ctx, deadline);
            case "pg-rejoin" -> postgres.rejoin(step, ctx, deadline);
            case "redis-promote" -> redis.promote(ctx, deadline);
            case "redis-replicate" -> redis.replicate(step, ctx, deadline);
            case "wait" -> {
                Duration d = step.duration() == null ? Duration.ZERO : step.duration();
                sleepUntil(min(clock.instant().plus(d), deadline), ctx);
                yield "waited " + d.toSeconds() + "s";
            }
            default -> throw new StepFailed("unknown step type " + step.type());
        };
    }

    private String vetoWindow(RunbookStep step, OperationContext ctx) throws StepFailed, InterruptedException {
        Duration window = step.duration();
        notifier.trySend(Severity.CRITICAL, "Failing over " + ctx.from() + " -> " + ctx.to() + " in " + window.toSeconds() + " s unless vetoed",
                "Reason: " + ctx.op.reason() + "\nVeto: POST /api/v1/operations/" + ctx.op.id() + "/veto", "baton-veto-" + ctx.op.id(),
                Map.of("operation", ctx.op.id().toString()));
        Instant until = clock.instant().plus(window);
        while (clock.instant().isBefore(until)) {
            if (ctx.vetoed) {
                throw new StepFailed("vetoed by " + ctx.vetoedBy);
            }
            Thread.sleep(Math.min(POLL.toMillis(), Math.max(1, Duration.between(clock.instant(), until).toMillis())));
        }
        if (ctx.vetoed) {
            throw new StepFailed("vetoed by " + ctx.vetoedBy);
        }
        return "no veto in " + window.toSeconds() + "s";
    }

    private String notify(RunbookStep step, OperationContext ctx) throws StepFailed {
        String text = ctx.render(step.message() == null ? "{kind} {from} -> {to} (epoch {epoch}): {reason}" : step.message());
        try {
            notifier.send(new dev.baton.common.wire.AlertRequest(Severity.valueOf(step.severity()), text, "operation " + ctx.op.id(),
                    "baton-op-" + ctx.op.id() + "-" + step.name(), "failover-coordinator",
                    Map.of("operation", ctx.op.id().toString(), "kind", ctx.op.kind().name()), false));
            return "notifier accepted: " + text;
        } catch (ServiceCallFailed e) {
            throw new StepFailed(e.getMessage(), e);
        }
    }

    private String httpHook(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        if (step.url() == null) {
            throw new StepFailed("http-hook step has no url");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("operation", ctx.op.id().toString());
        body.put("kind", ctx.op.kind().name());
        body.put("from", ctx.from());
        body.put("to", ctx.to());
        body.put("epoch", ctx.epoch());
        body.put("reason", ctx.op.reason());
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(step.url())).timeout(remaining(deadline))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build();
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new StepFailed("hook " + step.url() + " answered " + r.statusCode() + " (veto)");
            }
            return "hook " + step.url() + " answered " + r.statusCode();
        } catch (IOException | IllegalArgumentException e) {
            throw new StepFailed("hook " + step.url() + " failed: " + e.getMessage(), e);
        }
    }

    private String ssh(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed {
        if (step.command() == null) {
            throw new StepFailed("ssh step has no command");
        }
        String site = ctx.site(step);
        try {
            ExecResult r = shell.exec(site, step.command(), ctx.epoch(), remaining(deadline));
            if (!r.succeeded()) {
                throw new StepFailed("on " + site + " exited " + r.exitCode() + ": " + SiteShell.firstLine(r.stderr()));
            }
            return "on " + site + " exited 0";
        } catch (SshFailure e) {
            throw new StepFailed("on " + site + ": " + e.getMessage(), e);
        }
    }

    /**
     * Fences the site being left, then waits until the broker has released its engine's session
     * ({@link BrokerSession}): the fence ends only then, so {@code start} cannot begin earlier. The engine is
     * stopped over SSH and confirmed by compose ps; if SSH cannot reach the site, it is powered off through its
     * fencing endpoint and confirmed off; if there is none, it is presumed fenced (allow-wait) and the release
     * alone decides. Anything else (reachable but the engine will not stop, a wrong host key, a failed
     * power-off, a session still held at the deadline) is an unconfirmed fence: the step fails and the new
     * site is never started.
     */
    private String fence(OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        Fenced fenced = stopOrPowerOff(ctx, deadline);
        ctx.fromPoweredOff = poweredOff(fenced.how());
        String[] shown = {null};
        SessionRelease release = broker.await(ctx, fenced.at(), fenced.logout(), deadline, waiting -> {
            if (!waiting.equals(shown[0])) {
                shown[0] = waiting;
                store.stepProgress(ctx.op.id(), ctx.stepIndex, fenced.how() + "; " + waiting);
            }
        });
        store.setSessionRelease(ctx.op.id(), release);
        return fenced.how() + " at " + fenced.at() + "; broker session released by " + release.by().label() + " at "
                + release.releasedAt() + " (" + BrokerSession.seconds(release.waited()) + " after the fence): " + release.detail();
    }

    /** Whether a fence step's account says it powered the old site off. */
    static boolean poweredOff(String account) {
        return account != null && account.contains("; powered off via fencing endpoint");
    }

    /**
     * A stale coordinator must not even stop the old site's engine: if the site it would start already holds a
     * higher epoch, the fence fails before touching anything. An unreachable target is checked again by start.
     */
    private void refuseIfAhead(String site, long epoch) throws StepFailed {
        try {
            long held = shell.readEpoch(site);
            if (held > epoch) {
                SiteEpochAhead stale = new SiteEpochAhead(site, held, epoch);
                throw new StepFailed(stale.getMessage(), stale);
            }
        } catch (SshFailure e) {
            LOG.debugf("epoch of %s not read before the fence (%s); start checks it again", site, e.getMessage());
        }
    }

    /** How the old site was fenced, when that was confirmed, and what its logout check said. */
    private record Fenced(String how, Instant at, BrokerSession.Logout logout) {
    }

    private Fenced stopOrPowerOff(OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.from();
        // the fence step is journaled as begun before this runs: from here on no coordinator grants site a lease
        Instant began = clock.instant();
        refuseIfAhead(ctx.to(), ctx.epoch());
        SshFailure sshFailure;
        try {
            try {
                shell.writeEpoch(site, ctx.epoch(), ctx.term);
            } catch (SiteEpochAhead stale) {
                throw new StepFailed(stale.getMessage(), stale);
            } catch (SshFailure e) {
                if (unreachable(e)) {
                    throw e;
                }
                LOG.warnf("could not write epoch on %s: %s", site, e.getMessage());
            }
            Instant stopStarted = clock.instant();
            Set<String> still = shell.stopEngine(site, ctx.epoch(), remaining(deadline));
            while (!still.isEmpty() && clock.instant().isBefore(deadline)) {
                sleepUntil(min(clock.instant().plus(Duration.ofSeconds(1)), deadline), ctx);
                still = shell.runningEngine(site, remaining(deadline));
            }
            if (!still.isEmpty()) {
                throw new StepFailed("UNCONFIRMED: " + String.join(", ", still) + " still running on " + site + " after stop");
            }
            Instant stopped = clock.instant();
            ctx.fromReachable = true;
            return new Fenced("engine stopped on " + site + " over SSH and confirmed by compose ps", stopped,
                    broker.logout(site, stopStarted, ctx.epoch()));
        } catch (SshFailure e) {
            sshFailure = e;
        }
        ctx.fromReachable = false;
        CoordinatorConfig.FencingEndpoint endpoint = sites.site(site).fencingEndpoint();
        if (endpoint.url().isPresent()) {
            return powerOff(site, endpoint, deadline, ctx, sshFailure);
        }
        if (unreachable(sshFailure) && config.fence().allowWait() && config.fence().siteLease().isPresent()) {
            return presume(site, sshFailure, began, config.fence().siteLease().get(), deadline, ctx);
        }
        throw new StepFailed("UNCONFIRMED: cannot fence " + site + ": " + sshFailure.getMessage()
                + (unreachable(sshFailure) ? "; no fencing endpoint and waiting is not allowed" : "; no fencing endpoint"));
    }

    /**
     * An unreachable site with no fencing endpoint: its start gate stops the engine once no coordinator has granted
     * its lease for {@code lease} (and at once when one refuses), and none has granted it since this fence began
     * (a grant read before that was asked for before it, so it runs out at most {@code lease} after {@code began}).
     * Presumed fenced only after that, plus a margin for the two clocks' rates; the broker's release is waited next.
     */
    private Fenced presume(String site, SshFailure cause, Instant began, Duration lease, Instant deadline, OperationContext ctx)
            throws StepFailed, InterruptedException {
        Instant expired = began.plus(lease).plus(LEASE_MARGIN);
        if (expired.isAfter(deadline)) {
            throw new StepFailed("UNCONFIRMED: " + site + " unreachable (" + cause.getMessage() + ") and its start gate's lease (" + lease
                    + ") would not run out before the step's deadline; no fencing endpoint");
        }
        store.stepProgress(ctx.op.id(), ctx.stepIndex, site + " unreachable, no fencing endpoint: waiting until its start gate's lease has run out at "
                + expired);
        sleepUntil(expired, ctx);
        return new Fenced(site + " unreachable (" + cause.getMessage() + "), no fencing endpoint: presumed fenced, its start gate's lease ("
                + lease.toMillis() / 1000.0 + "s) ran out at " + expired + ", once the broker released its session", clock.instant(),
                BrokerSession.Logout.NOT_CHECKED);
    }

    private Fenced powerOff(String site, CoordinatorConfig.FencingEndpoint endpoint, Instant deadline, OperationContext ctx,
            SshFailure cause) throws StepFailed, InterruptedException {
        String url = endpoint.url().get();
        try {
            HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(url)).timeout(max(remaining(deadline), Duration.ofSeconds(1)))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}"));
            endpoint.token().ifPresent(t -> post.header("Authorization", "Bearer " + t));
            HttpResponse<String> r = http.send(post.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                throw new StepFailed("UNCONFIRMED: fencing endpoint for " + site + " answered " + r.statusCode());
            }
            if (endpoint.statusUrl().isEmpty()) {
                return new Fenced(site + " unreachable over SSH (" + cause.getMessage() + "); powered off via fencing endpoint ("
                        + r.statusCode() + ")", clock.instant(), BrokerSession.Logout.NOT_CHECKED);
            }
            Pattern off = Pattern.compile(endpoint.offPattern());
            // asked at least once, however little of the step is left: "never reported off" is said only after asking
            do {
                HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(endpoint.statusUrl().get()))
                        .timeout(max(remaining(deadline), Duration.ofSeconds(1))).GET();
                endpoint.token().ifPresent(t -> get.header("Authorization", "Bearer " + t));
                HttpResponse<String> s = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
                if (s.statusCode() / 100 == 2 && off.matcher(s.body()).find()) {
                    return new Fenced(site + " unreachable over SSH (" + cause.getMessage()
                            + "); powered off via fencing endpoint and confirmed off", clock.instant(), BrokerSession.Logout.NOT_CHECKED);
                }
                sleepUntil(min(clock.instant().plus(Duration.ofSeconds(1)), deadline), ctx);
            } while (clock.instant().isBefore(deadline));
            throw new StepFailed("UNCONFIRMED: fencing endpoint accepted power-off of " + site + " but it never reported off");
        } catch (IOException | IllegalArgumentException e) {
            throw new StepFailed("UNCONFIRMED: fencing endpoint for " + site + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Final pull from the site being left when it answers; otherwise the last good copy stands and its
     * age is recorded as the RPO.
     */
    private String sync(OperationContext ctx) throws StepFailed {
        String pullFailure = null;
        if (!Boolean.FALSE.equals(ctx.fromReachable)) {
            try {
                // The pull ships the state of the epoch being left: state-sync follows the active site of
                // that epoch until the start step hands replication to the new site at this operation's epoch.
                stateSync.sync(ctx.from(), ctx.to(), replicationEpochOf(ctx.from(), ctx.epoch(), ctx.term), ctx.term);
                store.setRpo(ctx.op.id(), 0);
                return "final sync " + ctx.from() + " -> " + ctx.to() + " done (RPO 0s)";
            } catch (ServiceCallFailed e) {
                pullFailure = e.getMessage();
                if (e.refused()) {
                    throw new StepFailed("state-sync refused the final sync: " + e.getMessage(), e);
                }
            } catch (RuntimeException e) {
                pullFailure = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
        }
        Optional<Instant> last;
        try {
            last = stateSync.lastSuccess(ctx.to());
        } catch (RuntimeException e) {
            throw new StepFailed("no final sync (" + (pullFailure == null ? ctx.from() + " unreachable" : pullFailure)
                    + ") and state-sync status unavailable: " + e.getMessage(), e);
        }
        if (last.isEmpty()) {
            throw new StepFailed("no final sync and no earlier successful sync to " + ctx.to() + " known");
        }
        double rpo = Math.max(0, Duration.between(last.get(), clock.instant()).toMillis() / 1000.0);
        store.setRpo(ctx.op.id(), rpo);
        return "no final sync (" + (pullFailure == null ? ctx.from() + " unreachable" : pullFailure) + "); using the copy synced at "
                + last.get() + ", RPO " + Math.round(rpo) + "s";
    }

    /**
     * The epoch state-sync follows for {@code site}; if state-sync follows another site (it restarted, or
     * missed a hand-over), it is first told that {@code site} is active at the epoch before {@code epoch}. A state-sync
     * that follows an epoch newer than {@code epoch} means this coordinator is stale: the step fails "STALE".
     */
    private long replicationEpochOf(String site, long epoch, long term) throws StepFailed {
        Optional<ActiveSite> active = stateSync.active();
        if (active.isPresent() && active.get().epoch() > epoch) {
            // another coordinator has moved replication past this operation's epoch: this one is stale
            throw new StepFailed("STALE: state-sync follows " + active.get().site() + " at epoch " + active.get().epoch()
                    + ", higher than this coordinator's " + epoch);
        }
        if (active.isPresent() && active.get().site().equals(site)) {
            return active.get().epoch();
        }
        long previous = Math.max(0, epoch - 1);
        stateSync.setActive(site, previous, term);
        return previous;
    }

    /** Hands continuous replication to the new active site; the epoch files fence old pushes even if this fails. */
    private String handOverReplication(String site, long epoch, long term) {
        try {
            stateSync.setActive(site, epoch, term);
            return "; state-sync now replicates from " + site;
        } catch (RuntimeException e) {
            LOG.warnf("state-sync not told that %s is active at epoch %d (%s); the coordinator retries", site, epoch, e.getMessage());
            return "; state-sync not yet told (" + e.getMessage() + "), retried by the coordinator";
        }
    }

    private String start(OperationContext ctx, Instant deadline) throws StepFailed {
        String site = ctx.to();
        try {
            shell.writeEpoch(site, ctx.epoch(), ctx.term);
            ExecResult r = shell.exec(site, shell.compose(site, "up -d"), ctx.epoch(), remaining(deadline));
            if (!r.succeeded()) {
                throw new StepFailed("compose up on " + site + " exited " + r.exitCode() + ": " + SiteShell.firstLine(r.stderr()));
            }
            store.setActiveSite(site);
            return "stack started on " + site + " with epoch " + ctx.epoch() + handOverReplication(site, ctx.epoch(), ctx.term);
        } catch (SiteEpochAhead stale) {
            throw new StepFailed(stale.getMessage(), stale);
        } catch (SshFailure e) {
            throw new StepFailed("cannot start " + site + ": " + e.getMessage(), e);
        }
    }

    private String waitHealthy(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.to();
        Instant until = step.duration() == null ? deadline : min(clock.instant().plus(step.duration()), deadline);
        Instant since = clock.instant();
        String last = "not checked";
        do {
            if ("verdicts".equals(step.source())) {
                long up = verdicts.snapshot().values().stream()
                        .filter(v -> config.observers().names().contains(v.observer()))
                        .filter(v -> !v.observedAt().isBefore(since))
                        .filter(v -> v.statusOf(site) == HealthStatus.UP).count();
                int quorum = config.observers().quorum().orElse(config.observers().names().size() / 2 + 1);
                if (up >= quorum) {
                    return up + " observers report " + site + " UP";
                }
                last = up + " of " + quorum + " observers report " + site + " UP";
            } else {
                try {
                    Set<String> running = shell.runningEngine(site, remaining(until));
                    if (running.containsAll(shell.engineServices(site))) {
                        return "engine running on " + site + ": " + String.join(", ", running);
                    }
                    last = "running on " + site + ": " + running;
                } catch (SshFailure e) {
                    last = e.getMessage();
                }
            }
            sleepUntil(min(clock.instant().plus(Duration.ofSeconds(1)), until), ctx);
        } while (clock.instant().isBefore(until));
        throw new StepFailed(site + " not healthy in time: " + last);
    }

    private String dns(OperationContext ctx, Instant deadline) throws StepFailed {
        CoordinatorConfig.Dns d = config.dns();
        Optional<String> from = sites.dnsValue(ctx.from());
        Optional<String> to = sites.dnsValue(ctx.to());
        if (d.zone().isEmpty() || d.name().isEmpty() || from.isEmpty() || to.isEmpty()) {
            throw new StepFailed("dns step needs baton.coordinator.dns.zone/name and both sites' dns-value");
        }
        try {
            dns.switchRecord(new SwitchRequest(d.zone().get(), d.name().get(), d.type(), from.get(), to.get(), d.ttl(), false));
            DnsManagerClient.Propagation propagation = dns.propagated(d.name().get(), d.type(), to.get(), min(remaining(deadline), Duration.ofMinutes(4)));
            if (!propagation.complete()) {
                throw new StepFailed(d.name().get() + " switched to " + to.get() + " but not propagated: " + propagation.lagging());
            }
            return d.name().get() + " " + d.type() + " " + from.get() + " -> " + to.get() + ", propagated";
        } catch (ServiceCallFailed e) {
            throw new StepFailed("dns-manager: " + e.getMessage(), e);
        }
    }

    private static boolean unreachable(SshFailure e) {
        return e.kind() == SshFailure.Kind.UNREACHABLE || e.kind() == SshFailure.Kind.TIMEOUT;
    }

    private Duration remaining(Instant deadline) {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : d;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) < 0 ? a : b;
    }

    private void sleepUntil(Instant until, OperationContext ctx) throws InterruptedException {
        long ms;
        while ((ms = Duration.between(clock.instant(), until).toMillis()) > 0) {
            Thread.sleep(Math.min(ms, POLL.toMillis()));
        }
    }
}
