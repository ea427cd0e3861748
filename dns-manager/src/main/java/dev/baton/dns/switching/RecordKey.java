package dev.baton.dns.switching;

import dev.baton.dns.provider.ProviderRegistry.ZoneTarget;
import dev.baton.dns.provider.RecordType;

/** A validated (zone, FQDN, type) with the account that serves the zone. */
public record RecordKey(ZoneTarget target, String fqdn, RecordType type) {

    public String zone() {
        return target.zone();
    }

    String lockKey() {
        return target.zone() + "|" + fqdn + "|" + type;
    }
}
