package dev.baton.coordinator.runbook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The Redis steps of a runbook ({@link SiteRedis}): {@code redis-promote} makes the new site's Redis a primary,
 * {@code redis-replicate} makes a site's Redis a replica of the other's; each confirmed by {@code ROLE}, each safe to
 * run again when a coordinator resumes the operation.
 */
final class RedisSteps {
    private static final Duration POLL = Duration.ofMillis(250);
    /** How long redis-replicate waits for the link to come up when its {@code duration} is not set. */
    static final Duration LINK = Duration.ofSeconds(60);

    private final SiteRedis redis;
    private final Clock clock;

    RedisSteps(SiteRedis redis, Clock clock) {
        this.redis = redis;
        this.clock = clock;
    }

    /** {@code REPLICAOF NO ONE} on the new site, confirmed by {@code ROLE master}; a primary already is only confirmed. */
    String promote(OperationContext ctx, Instant deadline) throws StepFailed {
        String site = ctx.to();
        try {
            SiteRedis.Role before = redis.role(site, remaining(deadline));
            if (before.primary()) {
                return redis.describe(site) + " already " + before + ": not touched";
            }
            redis.promote(site, remaining(deadline));
            SiteRedis.Role after = redis.role(site, remaining(deadline));
            if (!after.primary()) {
                throw new StepFailed("UNCONFIRMED: " + redis.describe(site) + " is still " + after + " after REPLICAOF NO ONE");
            }
            return redis.describe(site) + " promoted (REPLICAOF NO ONE), was " + before + ", now " + after;
        } catch (SiteRedis.Unreachable e) {
            throw new StepFailed(e.getMessage());
        }
    }

    /**
     * The step's site's Redis made a replica of the other site's ({@code REPLICAOF host port}, the other's password
     * as its masterauth), confirmed by {@code ROLE slave} of that primary with the link {@code connected} before the
     * step's {@code duration} (default {@link #LINK}) runs out. One already following it is only confirmed.
     */
    String replicate(RunbookStep step, OperationContext ctx, Instant deadline) throws StepFailed, InterruptedException {
        String site = ctx.site(step);
        String upstream = site.equals(ctx.from()) ? ctx.to() : ctx.from();
        String host = redis.upstreamHost(upstream);
        int port = redis.upstreamPort(upstream);
        Instant giveUp = min(clock.instant().plus(step.duration() == null ? LINK : step.duration()), deadline);
        try {
            SiteRedis.Role before = redis.role(site, remaining(deadline));
            boolean following = !before.primary() && host.equals(before.masterHost()) && Integer.valueOf(port).equals(before.masterPort());
            if (!following) {
                redis.follow(site, upstream, remaining(deadline));
            }
            SiteRedis.Role now = before;
            while (true) {
                now = redis.role(site, remaining(giveUp));
                if (!now.primary() && host.equals(now.masterHost()) && Integer.valueOf(port).equals(now.masterPort())
                        && "connected".equals(now.linkState())) {
                    return redis.describe(site) + (following ? " already followed " : " made a replica (REPLICAOF) of ") + redis.describe(upstream)
                            + ", now " + now;
                }
                if (!clock.instant().plus(POLL).isBefore(giveUp)) {
                    throw new StepFailed(redis.describe(site) + " is " + now + ", not connected to " + redis.describe(upstream) + " in time");
                }
                Thread.sleep(POLL.toMillis());
            }
        } catch (SiteRedis.Unreachable e) {
            throw new StepFailed(e.getMessage());
        }
    }

    private Duration remaining(Instant deadline) {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() || d.isZero() ? Duration.ofMillis(1) : d;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
