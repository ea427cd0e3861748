package dev.baton.dns.switching;

import dev.baton.common.wire.SwitchRequest;
import dev.baton.dns.audit.AuditEntry;
import dev.baton.dns.audit.AuditLog;
import dev.baton.dns.provider.ChangeResult;
import dev.baton.dns.provider.DnsProvider;
import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.ProviderException;
import dev.baton.dns.provider.ProviderRegistry;
import dev.baton.dns.provider.ProviderRegistry.ZoneTarget;
import dev.baton.dns.provider.RecordChange;
import dev.baton.dns.provider.RecordType;
import dev.baton.dns.switching.SwitchOutcome.RecordView;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads, switches and prepares records through the provider that serves their zone. Switches of one record are
 * serialised in this process, so two concurrent callers cannot interleave list and apply (providers without a
 * server-side compare-and-set, Cloudflare and DigitalOcean, would otherwise let the later write win silently).
 */
@ApplicationScoped
public class SwitchService {
    private final ProviderRegistry registry;
    private final AuditLog audit;
    private final MeterRegistry metrics;
    private final Clock clock;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    public SwitchService(ProviderRegistry registry, AuditLog audit, MeterRegistry metrics) {
        this.registry = registry;
        this.audit = audit;
        this.metrics = metrics;
        this.clock = Clock.systemUTC();
    }

    /** Resolves and validates a (zone, name, type); {@code provider}, when given, must be the zone's account. */
    public RecordKey key(String zone, String name, String type, Optional<String> provider) {
        if (zone == null || zone.isBlank()) {
            throw new InvalidRequestException("zone is required");
        }
        if (name == null || name.isBlank()) {
            throw new InvalidRequestException("name is required");
        }
        if (type == null || type.isBlank()) {
            throw new InvalidRequestException("type is required");
        }
        if (provider.isPresent() && registry.provider(provider.get()).isEmpty()) {
            throw new InvalidRequestException("unknown provider '" + provider.get() + "'; configured: " + registry.providers().keySet());
        }
        String z = stripDot(zone.trim().toLowerCase(Locale.ROOT));
        ZoneTarget target = registry.zone(z).orElseThrow(() -> new InvalidRequestException(
                "unknown zone '" + z + "'; configured: " + registry.zones().keySet()));
        if (provider.isPresent() && !provider.get().equals(target.provider().name())) {
            throw new InvalidRequestException("zone " + z + " is served by provider " + target.provider().name() + ", not " + provider.get());
        }
        String n = stripDot(name.trim().toLowerCase(Locale.ROOT));
        if (n.equals("@")) {
            n = z;
        }
        if (!n.equals(z) && !n.endsWith("." + z)) {
            throw new InvalidRequestException("name '" + n + "' is outside the zone " + z + " (give the full name, e.g. www." + z + ")");
        }
        RecordType t;
        try {
            t = RecordType.parse(type);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        return new RecordKey(target, n, t);
    }

    public List<DnsRecord> records(RecordKey key) {
        return key.target().provider().list(key.zone(), key.fqdn(), key.type());
    }

    public SwitchOutcome switchRecord(SwitchRequest request, Optional<String> providerName, String who) {
        RecordKey key = key(request.zone(), request.name(), request.type(), providerName);
        String from = canonical(key.type(), "from", request.from());
        String to = canonical(key.type(), "to", request.to());
        if (key.type() == RecordType.CNAME && key.fqdn().equals(key.zone())) {
            throw new InvalidRequestException("a CNAME cannot be at the zone apex " + key.zone());
        }
        DnsProvider provider = key.target().provider();
        synchronized (locks.computeIfAbsent(key.lockKey(), k -> new Object())) {
            List<DnsRecord> current = provider.list(key.zone(), key.fqdn(), key.type());
            SwitchPlanner.Plan plan = SwitchPlanner.plan(current, key.type(), from, to, request.ttl());
            if (plan instanceof SwitchPlanner.Conflict conflict) {
                String now = conflict.current().isEmpty() ? "no " + key.type() + " record"
                        : "it is " + conflict.current().stream().map(DnsRecord::value).toList();
                String detail = key.fqdn() + " " + key.type() + " is neither " + from + " nor " + to + ": " + now;
                if (!request.dryRun()) {
                    audit.append(entry(key, "switch", "REFUSED", who, null, null, null, detail));
                }
                count(provider, "refused");
                throw new SwitchConflictException(detail, conflict.current());
            }
            if (plan instanceof SwitchPlanner.AlreadyDone done) {
                count(provider, "already_done");
                return outcome("ALREADY_DONE", key, done.current(), done.current(), null, null, List.of());
            }
            SwitchPlanner.Change change = (SwitchPlanner.Change) plan;
            List<String> notes = notes(change.before());
            if (request.dryRun()) {
                count(provider, "dry_run");
                return outcome("DRY_RUN", key, change.before(), change.after(), null, null, notes);
            }
            Applied applied = apply(key, change, current, "switch", who);
            return outcome("CHANGED", key, change.before(), applied.result().after(), applied.result().providerResponseId(),
                    applied.auditId(), notes);
        }
    }

    public PrepareOutcome prepare(PrepareRequest request, Optional<String> provider, String who) {
        RecordKey key = key(request.zone(), request.name(), request.type(), provider);
        int ttl = request.ttl() != null ? request.ttl() : PrepareRequest.DEFAULT_TTL;
        DnsProvider p = key.target().provider();
        synchronized (locks.computeIfAbsent(key.lockKey(), k -> new Object())) {
            List<DnsRecord> current = p.list(key.zone(), key.fqdn(), key.type());
            if (current.isEmpty()) {
                throw new SwitchConflictException("no " + key.type() + " record at " + key.fqdn() + " to prepare", current);
            }
            int previous = current.stream().mapToInt(DnsRecord::ttl).max().orElse(0);
            List<SwitchPlanner.Change> changes = SwitchPlanner.lowerTtl(current, ttl);
            if (p.updatesWholeSet() && !changes.isEmpty()) {
                changes = changes.subList(0, 1);
            }
            Instant safeAt = clock.instant().plusSeconds(changes.isEmpty() ? 0 : previous);
            if (changes.isEmpty() || request.dryRun()) {
                return new PrepareOutcome(changes.isEmpty() ? "ALREADY_DONE" : "DRY_RUN", key.zone(), key.fqdn(), key.type().name(),
                        p.name(), previous, ttl, safeAt, List.of(), null);
            }
            List<String> ids = new ArrayList<>();
            String auditId = null;
            for (SwitchPlanner.Change change : changes) {
                Applied applied = apply(key, change, current, "prepare", who);
                ids.add(applied.result().providerResponseId());
                auditId = applied.auditId();
            }
            return new PrepareOutcome("CHANGED", key.zone(), key.fqdn(), key.type().name(), p.name(), previous, ttl, safeAt, ids, auditId);
        }
    }

    private record Applied(ChangeResult result, String auditId) {
    }

    /**
     * Cloudflare and DigitalOcean have no conditional update: read, write, then read again. A record that no longer
     * holds what was written (another writer right after ours) is a conflict. A writer between our read and our
     * write is overwritten unseen: that window (one API round trip) is documented in docs/services/dns-manager.md.
     */
    private static void verifyWritten(RecordKey key, DnsProvider provider, SwitchPlanner.Change change) {
        List<DnsRecord> now = provider.list(key.zone(), key.fqdn(), key.type());
        boolean written = now.stream().anyMatch(r -> r.value().equals(change.after().value()));
        boolean oldGone = change.before().value().equals(change.after().value())
                || now.stream().noneMatch(r -> r.value().equals(change.before().value()));
        if (!written || !oldGone) {
            throw ProviderException.conflict(provider.kind() + " accepted the write of " + change.after().value()
                    + " but reading it back shows another value: another writer changed the record right after Baton");
        }
    }

    private Applied apply(RecordKey key, SwitchPlanner.Change change, List<DnsRecord> current, String action, String who) {
        DnsProvider provider = key.target().provider();
        RecordChange rc = new RecordChange(key.zone(), change.before(), change.after(), current, "baton " + action + " by " + who);
        Timer.Sample sample = Timer.start(metrics);
        try {
            ChangeResult result = provider.apply(rc);
            if (!provider.compareAndSet()) {
                verifyWritten(key, provider, change);
            }
            AuditEntry e = entry(key, action, "CHANGED", who, change.before(), change.after(), result.providerResponseId(), null);
            audit.append(e);
            count(provider, action.equals("switch") ? "changed" : "prepared");
            return new Applied(result, e.id());
        } catch (ProviderException e) {
            if (e.kind() == ProviderException.Kind.CONFLICT) {
                // someone else wrote the record between our read and our write: refuse, naming what it holds now
                List<DnsRecord> now = provider.list(key.zone(), key.fqdn(), key.type());
                String detail = key.fqdn() + " " + key.type() + " changed while Baton switched it from " + change.before().value()
                        + ": it is now " + now.stream().map(DnsRecord::value).toList() + " (" + e.getMessage() + ")";
                audit.append(entry(key, action, "REFUSED", who, change.before(), change.after(), null, detail));
                count(provider, "refused");
                throw new SwitchConflictException(detail, now);
            }
            audit.append(entry(key, action, "FAILED", who, change.before(), change.after(), null, e.getMessage()));
            count(provider, "failed");
            throw e;
        } finally {
            sample.stop(metrics.timer("baton_dns_provider_apply_seconds", "provider", provider.name(), "kind", provider.kind()));
        }
    }

    private AuditEntry entry(RecordKey key, String action, String outcome, String who, DnsRecord before, DnsRecord after,
            String responseId, String detail) {
        return new AuditEntry(UUID.randomUUID().toString(), clock.instant(), who, action, outcome, key.target().provider().name(),
                key.zone(), key.fqdn(), key.type().name(),
                before == null ? null : before.value(), before == null ? null : before.ttl(),
                after == null ? null : after.value(), after == null ? null : after.ttl(), responseId, detail);
    }

    private SwitchOutcome outcome(String what, RecordKey key, DnsRecord before, DnsRecord after, String responseId, String auditId,
            List<String> notes) {
        Instant at = clock.instant();
        Instant cachesExpireAt = "ALREADY_DONE".equals(what) ? null : at.plusSeconds(before.ttl());
        return new SwitchOutcome(what, key.zone(), key.fqdn(), key.type().name(), key.target().provider().name(),
                view(before), view(after), responseId, auditId, at, cachesExpireAt, notes);
    }

    private static List<String> notes(DnsRecord before) {
        if (Boolean.TRUE.equals(before.proxied())) {
            return List.of("the record is proxied by Cloudflare: resolvers answer with Cloudflare addresses, not the new value;"
                    + " check propagation at the origin, not by address");
        }
        return List.of();
    }

    private static RecordView view(DnsRecord r) {
        return r == null ? null : new RecordView(r.value(), r.ttl(), r.proxied(), r.id());
    }

    private void count(DnsProvider provider, String outcome) {
        metrics.counter("baton_dns_switches_total", "provider", provider.name(), "outcome", outcome).increment();
    }

    private static String canonical(RecordType type, String field, String value) {
        try {
            return type.canonical(value);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field + ": " + e.getMessage());
        }
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
