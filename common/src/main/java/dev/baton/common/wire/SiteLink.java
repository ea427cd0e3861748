package dev.baton.common.wire;

import java.time.Instant;

/**
 * How a service's last SSH connection to a site went: {@code reachable}, or the reason it failed (unreachable, a host
 * key that does not match known_hosts with both fingerprints, a key the site refuses), and since when it has been so.
 */
public record SiteLink(boolean reachable, String reason, Instant since) {
}
