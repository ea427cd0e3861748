package dev.baton.coordinator.runbook;

/**
 * A site holds a higher epoch than the one this coordinator would write: another coordinator (or a newer
 * database) has acted since, so this one is stale and must not touch the site (DESIGN.md invariant 2).
 */
public final class SiteEpochAhead extends Exception {
    private final String site;
    private final long held;
    private final long ours;

    public SiteEpochAhead(String site, long held, long ours) {
        super("STALE: " + site + " holds epoch " + held + ", higher than this coordinator's " + ours
                + ": another coordinator has acted since; this one stops and does not touch " + site);
        this.site = site;
        this.held = held;
        this.ours = ours;
    }

    public String site() {
        return site;
    }

    public long held() {
        return held;
    }

    public long ours() {
        return ours;
    }
}
