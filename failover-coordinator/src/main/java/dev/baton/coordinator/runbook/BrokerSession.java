package dev.baton.coordinator.runbook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.json.JsonCondition;
import dev.baton.common.ssh.ExecResult;
import dev.baton.common.ssh.SshFailure;
import dev.baton.coordinator.config.CoordinatorConfig;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * When the broker has let go of the fenced engine's session (DESIGN.md invariant 1). A process that died
 * without logging out leaves its session alive until the broker's heartbeat timeout, so "the engine is gone"
 * is not enough to start another one. The session counts as released, in this order, when:
 * <ol>
 * <li>the old site's logout check confirms the engine logged out cleanly ({@code sites.<name>.logout-check});</li>
 * <li>the session check says the account has no live session ({@code fence.session-check});</li>
 * <li>the session linger has passed since the fence was confirmed, or since the session check last saw the
 * session alive ({@code fence.session-linger}); 0 only with {@code fence.takeover-allowed}.</li>
 * </ol>
 * A session check that answers "still held" always blocks, whatever the linger: someone is logged in.
 */
@ApplicationScoped
public class BrokerSession {
    /** The default linger: IBKR lets a dead session go within about 5 minutes (the users' runbook waits that long). */
    public static final Duration DEFAULT_LINGER = Duration.ofMinutes(5);

    /** One answer of the session check. */
    enum Answer {
        RELEASED,
        HELD,
        CANNOT_TELL
    }

    record Ask(Answer answer, String detail) {
    }

    /** The logout check's verdict: confirmed or not, and what it said. */
    record Logout(boolean confirmed, String detail) {
        static final Logout NOT_CHECKED = new Logout(false, null);
    }

    private final SiteShell shell;
    private final CoordinatorConfig.Fence fence;
    private final CoordinatorConfig.SessionCheck check;
    private final List<JsonCondition> conditions;
    private final Map<String, CoordinatorConfig.Site> sites;
    private final ObjectMapper json;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public BrokerSession(SiteShell shell, CoordinatorConfig config, ObjectMapper json, Clock clock) {
        this.shell = shell;
        this.fence = config.fence();
        this.check = config.fence().sessionCheck();
        this.conditions = check.jsonEquals().orElse(List.of()).stream().map(JsonCondition::parse).flatMap(Optional::stream).toList();
        this.sites = config.sites();
        this.json = json;
        this.clock = clock;
    }

    /** {@code fence.session-linger}, else the former {@code fence.session-release}, else {@link #DEFAULT_LINGER}. */
    public static Duration linger(CoordinatorConfig.Fence fence) {
        return fence.sessionLinger().or(fence::sessionRelease).orElse(DEFAULT_LINGER);
    }

    public Duration linger() {
        return linger(fence);
    }

    public boolean checkConfigured() {
        return check.url().isPresent() || check.command().isPresent();
    }

    /** Runs {@code site}'s logout check, if it has one, after its engine was stopped at {@code stopStarted}. */
    Logout logout(String site, Instant stopStarted, long epoch) {
        CoordinatorConfig.LogoutCheck lc = sites.get(site).logoutCheck();
        if (lc.command().isEmpty()) {
            return Logout.NOT_CHECKED;
        }
        try {
            ExecResult r = shell.exec(site, lc.command().get(), epoch, Map.of("BATON_FENCE_STARTED", stopStarted.toString()), lc.timeout());
            return r.succeeded() ? new Logout(true, site + "'s logout check confirmed a clean logout")
                    : new Logout(false, site + "'s logout check did not confirm a logout (exit " + r.exitCode() + ")");
        } catch (SshFailure e) {
            return new Logout(false, site + "'s logout check could not run: " + e.getMessage());
        }
    }

    /**
     * Waits until the broker released the session of the engine fenced at {@code fencedAt}, reporting each wait
     * through {@code progress}, and says how. Nothing is started before this returns.
     *
     * @throws StepFailed "UNCONFIRMED: ..." when {@code deadline} comes first: the new site must not start
     */
    SessionRelease await(OperationContext ctx, Instant fencedAt, Logout logout, Instant deadline, Consumer<String> progress)
            throws StepFailed, InterruptedException {
        Duration linger = linger();
        if (logout.confirmed()) {
            return new SessionRelease(SessionRelease.By.LOGOUT, fencedAt, clock.instant(), logout.detail());
        }
        String notes = logout.detail() == null ? "" : logout.detail() + "; ";
        if (!checkConfigured()) {
            Instant ends = fencedAt.plus(linger);
            if (linger.isZero()) {
                return new SessionRelease(SessionRelease.By.TAKEOVER, fencedAt, clock.instant(),
                        notes + "session linger 0: the broker takes a dead session over cleanly (takeover-allowed)");
            }
            if (ends.isAfter(deadline)) {
                throw new StepFailed("UNCONFIRMED: " + notes + "the session linger " + seconds(linger) + " ends after the fence step's deadline");
            }
            progress.accept(notes + "waiting the session linger " + seconds(linger) + " (until " + ends + ") for the broker to let the old session go");
            sleepUntil(ends);
            return new SessionRelease(SessionRelease.By.LINGER, fencedAt, clock.instant(),
                    notes + "session linger " + seconds(linger) + " passed since the fence (no session check configured)");
        }
        Instant aliveAt = fencedAt;
        Ask last = null;
        while (true) {
            Ask a = ask(ctx, deadline);
            Instant now = clock.instant();
            if (a.answer() == Answer.RELEASED) {
                return new SessionRelease(SessionRelease.By.SESSION_CHECK, fencedAt, now, notes + "session check: " + a.detail());
            }
            if (a.answer() == Answer.HELD) {
                aliveAt = now;
            }
            last = a;
            Instant ends = aliveAt.plus(linger);
            if (a.answer() == Answer.CANNOT_TELL && !now.isBefore(ends)) {
                SessionRelease.By by = linger.isZero() ? SessionRelease.By.TAKEOVER : SessionRelease.By.LINGER;
                return new SessionRelease(by, fencedAt, now, notes + "session linger " + seconds(linger) + " passed since "
                        + (aliveAt.equals(fencedAt) ? "the fence" : "the session was last seen alive at " + aliveAt)
                        + "; session check cannot tell (" + a.detail() + ")");
            }
            String waiting = a.answer() == Answer.HELD ? "session check: still held (" + a.detail() + ")"
                    : "session check cannot tell (" + a.detail() + "); the session linger ends " + ends;
            if (!now.isBefore(deadline)) {
                throw new StepFailed("UNCONFIRMED: the broker did not release the fenced engine's session by the fence step's deadline: "
                        + notes + waiting);
            }
            progress.accept(notes + "waiting for the broker to release the session: " + waiting);
            Instant next = now.plus(check.interval());
            sleepUntil(next.isAfter(deadline) ? deadline : next);
        }
    }

    /** One ask of the session check, bounded by its timeout and {@code deadline}. */
    Ask ask(OperationContext ctx, Instant deadline) throws InterruptedException {
        Duration timeout = bounded(check.timeout(), deadline);
        if (check.command().isPresent()) {
            String site = "from".equals(check.site()) ? ctx.from() : ctx.to();
            try {
                ExecResult r = shell.exec(site, check.command().get(), ctx.epoch(), timeout);
                return switch (r.exitCode()) {
                    case 0 -> new Ask(Answer.RELEASED, "no live session (command on " + site + " exited 0)");
                    case 1 -> new Ask(Answer.HELD, "command on " + site + " exited 1: " + SiteShell.firstLine(r.stdout()));
                    default -> new Ask(Answer.CANNOT_TELL, "command on " + site + " exited " + r.exitCode() + ": " + SiteShell.firstLine(r.stderr()));
                };
            } catch (SshFailure e) {
                return new Ask(Answer.CANNOT_TELL, "command on " + site + ": " + e.getMessage());
            }
        }
        String url = check.url().orElseThrow();
        try {
            HttpRequest.Builder get = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).header("Accept", "application/json").GET();
            check.token().ifPresent(t -> get.header("Authorization", "Bearer " + t));
            HttpResponse<String> r = http.send(get.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2) {
                return new Ask(Answer.CANNOT_TELL, "GET answered " + r.statusCode());
            }
            JsonNode root = json.readTree(r.body());
            for (JsonCondition c : conditions) {
                Optional<String> failed = c.check(json, root);
                if (failed.isPresent()) {
                    return new Ask(Answer.HELD, failed.get());
                }
            }
            return new Ask(Answer.RELEASED, "no live session (" + String.join(", ", conditions.stream().map(JsonCondition::source).toList()) + ")");
        } catch (IOException | IllegalArgumentException e) {
            return new Ask(Answer.CANNOT_TELL, "GET failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    /** The wait in words, for dry runs and the plan: what will release the session of {@code from}'s engine. */
    String describe(String from) {
        StringBuilder b = new StringBuilder("then wait until the broker has released the old engine's session: ");
        CoordinatorConfig.Site site = sites.get(from);
        if (site != null && site.logoutCheck().command().isPresent()) {
            b.append(from).append("'s logout check confirms a clean logout, or ");
        }
        if (checkConfigured()) {
            b.append("the session check (").append(check.url().isPresent() ? "GET " + withoutSecrets(check.url().get()) : "'" + check.command().get() + "'")
                    .append(") says no live session, or it cannot tell and ");
        }
        Duration linger = linger();
        b.append(linger.isZero() ? "at once (session linger 0, takeover allowed)"
                : "the session linger " + seconds(linger) + " has passed since the fence");
        if (checkConfigured()) {
            b.append("; a session still held blocks the start");
        }
        return b.toString();
    }

    /** The URL without user info or query, either of which may carry a credential: plans and journals are not secret. */
    static String withoutSecrets(String url) {
        try {
            URI u = URI.create(url);
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (IllegalArgumentException | java.net.URISyntaxException e) {
            return "(the configured url)";
        }
    }

    private Duration bounded(Duration d, Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        if (left.compareTo(Duration.ofSeconds(1)) < 0) {
            left = Duration.ofSeconds(1);
        }
        return d.compareTo(left) < 0 ? d : left;
    }

    private void sleepUntil(Instant until) throws InterruptedException {
        long ms;
        while ((ms = Duration.between(clock.instant(), until).toMillis()) > 0) {
            Thread.sleep(Math.min(ms, 250));
        }
    }

    static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() / 1000.0 + "s";
    }
}
