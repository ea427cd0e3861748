package dev.baton.dns.config;

/** The DNS providers dns-manager can drive; adding one = one provider class, its fake and this constant. */
public enum ProviderType {
    CLOUDFLARE, DIGITALOCEAN, ROUTE53, RFC2136
}
