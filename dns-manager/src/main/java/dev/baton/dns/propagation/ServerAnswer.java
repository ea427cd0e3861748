package dev.baton.dns.propagation;

import java.util.List;

/**
 * What one server answered. For an authoritative nameserver {@code matches} needs the AA flag, NOERROR and the
 * expected value among the answers. Resolvers are {@code informational} until the old value's caches expire
 * (the switch's {@code cachesExpireAt}; always, when the caller does not give it): before that they may rightly
 * serve the old value. After it, a resolver still answering the old value is reported with an error.
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
