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
        this(site, held, ours, "STALE: " + site + " holds epoch " + held + ", higher than this coordinator's " + ours
                + ": another coordinator has acted since; this one stops and does not touch " + site);
    }

    /** The site holds this epoch from a later leadership term: this coordinator was deposed. */
    public static SiteEpochAhead term(String site, long epoch, long heldTerm, long ourTerm) {
        return new SiteEpochAhead(site, epoch, epoch, "STALE: " + site + " was written epoch " + epoch + " by term " + heldTerm
                + ", later than this coordinator's term " + ourTerm + ": another leader has acted since; this one stops and does not touch " + site);
    }

    private SiteEpochAhead(String site, long held, long ours, String message) {
        super(message);
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
