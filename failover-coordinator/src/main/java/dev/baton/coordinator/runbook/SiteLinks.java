package dev.baton.coordinator.runbook;

import dev.baton.common.ssh.SshFailure;
import dev.baton.common.wire.SiteLink;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * The last SSH connection to each site and how it went, for the status API. A site that starts failing is logged once
 * (and again only if the reason changes), a site that works again once: not on every retry of the guard or a fence.
 */
@ApplicationScoped
public class SiteLinks {
    private static final Logger LOG = Logger.getLogger(SiteLinks.class);
    private final Map<String, SiteLink> links = new ConcurrentHashMap<>();
    private final Clock clock;

    public SiteLinks(Clock clock) {
        this.clock = clock;
    }

    void connected(String site) {
        SiteLink before = links.get(site);
        if (before == null || !before.reachable()) {
            links.put(site, new SiteLink(true, null, clock.instant()));
            if (before != null) {
                LOG.infof("SSH to site %s works again (it failed since %s: %s)", site, before.since(), before.reason());
            }
        }
    }

    void failed(String site, SshFailure failure) {
        String reason = failure.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ": " + failure.getMessage();
        SiteLink before = links.get(site);
        if (before == null || before.reachable() || !reason.equals(before.reason())) {
            links.put(site, new SiteLink(false, reason, before != null && !before.reachable() ? before.since() : clock.instant()));
            LOG.warnf("SSH to site %s fails: %s", site, reason);
        }
    }

    /** Each site the coordinator has tried to reach since it started. */
    public Map<String, SiteLink> view() {
        return new TreeMap<>(links);
    }
}
