package dev.baton.dns.testing;

import dev.baton.common.testing.KnotServers;
import java.util.List;

/**
 * Everything dns-manager talks to in tests, all on 127.0.0.1: the three provider fakes and the two knot servers
 * (null when knotd is not installed). Zones: example.com and limited.example (Cloudflare), example.net
 * (DigitalOcean), example.org (Route 53), example.test (RFC 2136); knot serves all of them, so a change made at a
 * provider fake can be mirrored into real authoritative servers to check propagation end to end.
 */
public record DnsWorld(CloudflareFake cloudflare, DigitalOceanFake digitalOcean, Route53Fake route53, KnotServers knot,
        java.nio.file.Path auditFile) {
    public static final String CF_TOKEN = "cf-test-token-0123456789abcdef";
    public static final String DO_TOKEN = "do-test-token-0123456789abcdef";
    public static final String AWS_KEY_ID = "AKIDBATONTEST";
    public static final String AWS_SECRET = "baton/test/secret/0123456789abcdefEXAMPLE";
    public static final String WRONG_SECRET = "wrong-secret-0123456789abcdef";
    public static final List<String> ALL_ZONES = List.of("example.test", "example.com", "example.net", "example.org", "limited.example",
            "discover.example");

    public boolean hasKnot() {
        return knot != null;
    }

    /** Fresh provider state (zone ids stay the same, so the service's caches stay valid). */
    public void reset() {
        cloudflare.reset();
        digitalOcean.reset();
        route53.reset();
    }
}
