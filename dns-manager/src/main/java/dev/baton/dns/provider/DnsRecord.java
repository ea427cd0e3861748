package dev.baton.dns.provider;

/**
 * One record as a provider holds it: {@code name} is the FQDN without the final dot, {@code value} as the
 * provider reports it. {@code id} is the provider's record id (null where records have none: Route 53, RFC 2136);
 * {@code proxied} is Cloudflare's flag (null elsewhere): a proxied name answers with Cloudflare's addresses.
 */
public record DnsRecord(String id, String name, RecordType type, String value, int ttl, Boolean proxied) {

    public DnsRecord withValueAndTtl(String newValue, int newTtl) {
        return new DnsRecord(id, name, type, newValue, newTtl, proxied);
    }
}
