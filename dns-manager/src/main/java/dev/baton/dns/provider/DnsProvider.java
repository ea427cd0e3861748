package dev.baton.dns.provider;

import java.util.List;

/**
 * One DNS provider account. Deliberately small (as external-dns' Provider): list what is there, apply one change.
 * Implementations are blocking; call them from worker threads only.
 */
public interface DnsProvider {

    /** The configured account name. */
    String name();

    /** The provider's kind, for logs and metric tags ("cloudflare", "route53", ...). */
    String kind();

    /** Records of {@code type} at {@code fqdn} (no final dot) in {@code zone}; empty when there are none. */
    List<DnsRecord> list(String zone, String fqdn, RecordType type);

    /** Applies the change and returns once the provider has accepted it (Route 53: once INSYNC). */
    ChangeResult apply(RecordChange change);

    /**
     * True where the provider itself refuses a change to a record that is no longer as read (Route 53's DELETE+CREATE
     * batch, RFC 2136 prerequisites): a real compare-and-set. Elsewhere (Cloudflare, DigitalOcean) the switch reads,
     * writes, and reads again to verify.
     */
    default boolean compareAndSet() {
        return false;
    }

    /** True where one change rewrites the whole record set (Route 53, RFC 2136), so a TTL change needs one call. */
    default boolean updatesWholeSet() {
        return false;
    }
}
