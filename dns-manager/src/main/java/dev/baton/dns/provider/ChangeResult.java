package dev.baton.dns.provider;

/** What a provider said after applying a change: its id for the change (or record), for the audit. */
public record ChangeResult(String providerResponseId, DnsRecord after) {
}
