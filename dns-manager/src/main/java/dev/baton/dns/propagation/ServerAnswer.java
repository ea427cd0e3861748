package dev.baton.dns.propagation;

import java.util.List;

/**
 * What one server answered. For an authoritative nameserver {@code matches} needs the AA flag, NOERROR and the
 * expected value among the answers. Resolvers are {@code informational}: they may serve a cached old value
 * until its TTL (shown in {@code ttl}) runs out, so they never decide whether a change is live.
 */
public record ServerAnswer(
        String server,
        String host,
        boolean informational,
        boolean authoritative,
        String rcode,
        List<String> answers,
        Long ttl,
        Long soaSerial,
        boolean matches,
        String error) {
}
