package dev.baton.dns.propagation;

import dev.baton.dns.config.DnsConfig;
import dev.baton.dns.config.HostPort;
import dev.baton.dns.provider.ProviderRegistry;
import dev.baton.dns.provider.RecordType;
import dev.baton.dns.switching.InvalidRequestException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * Verifies a change at the source: asks each authoritative nameserver directly, recursion off, and requires
 * an authoritative answer holding the expected value (lego's order: authoritative first, resolvers after).
 * Only explicitly addressed servers are queried; nothing here falls back to the host's resolv.conf.
 */
@ApplicationScoped
public class PropagationChecker {
    private static final int MAX_NAMESERVERS = 13;

    private final ProviderRegistry registry;
    private final List<InetSocketAddress> resolvers;
    private final Duration queryTimeout;
    private final Duration pollInterval;
    private final Duration maxWait;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();

    public PropagationChecker(DnsConfig config, ProviderRegistry registry, MeterRegistry metrics) {
        this.registry = registry;
        this.metrics = metrics;
        List<InetSocketAddress> r = new ArrayList<>();
        for (String s : config.propagation().resolvers()) {
            try {
                r.add(HostPort.parse(s, 53));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("baton.dns.propagation.resolvers: " + e.getMessage());
            }
        }
        this.resolvers = List.copyOf(r);
        this.queryTimeout = config.propagation().queryTimeout();
        this.pollInterval = config.propagation().pollInterval();
        this.maxWait = config.propagation().maxWait();
    }

    /** A nameserver to ask, with the host name it was found under (null when given as an address). */
    record Target(InetSocketAddress address, String host) {
    }

    /**
     * @param nameservers explicit nameservers; empty = configured ones for the zone, else the zone's NS records
     * @param wait        how long to keep polling for agreement; zero = one round
     */
    public PropagationReport check(String name, String type, String expected, List<String> nameservers, Duration wait) {
        return check(name, type, expected, nameservers, wait, null);
    }

    /**
     * @param cachesExpireAt when resolver caches of the old value expire (from the switch answer); null = unknown,
     *                       resolvers stay informational
     */
    public PropagationReport check(String name, String type, String expected, List<String> nameservers, Duration wait,
            Instant cachesExpireAt) {
        if (name == null || name.isBlank() || expected == null || expected.isBlank()) {
            throw new InvalidRequestException("name and expected are required");
        }
        RecordType t;
        String want;
        try {
            t = RecordType.parse(type == null ? "A" : type);
            want = t.canonical(expected);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(e.getMessage());
        }
        String fqdn = stripDot(name.trim().toLowerCase(Locale.ROOT));
        Name qname = absolute(fqdn);
        if (wait.isNegative() || wait.compareTo(maxWait) > 0) {
            throw new InvalidRequestException("wait must be between 0 and " + maxWait.toSeconds() + " seconds");
        }
        Optional<ProviderRegistry.ZoneTarget> zone = registry.zoneOf(fqdn);
        List<Target> targets = targets(fqdn, zone, nameservers);
        Name zoneName = zone.map(z -> absolute(z.zone())).orElse(null);

        Instant start = clock.instant();
        Instant deadline = start.plus(wait);
        int rounds = 0;
        List<ServerAnswer> answers;
        boolean complete;
        while (true) {
            rounds++;
            answers = round(targets, qname, t, want, zoneName);
            complete = !answers.isEmpty() && answers.stream().allMatch(ServerAnswer::matches);
            if (complete || !clock.instant().plus(pollInterval).isBefore(deadline)) {
                break;
            }
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean informationalOnly = cachesExpireAt == null || clock.instant().isBefore(cachesExpireAt);
        List<ServerAnswer> resolverAnswers = resolverAnswers(qname, t, want, informationalOnly);
        boolean resolversAgree = resolverAnswers.stream().allMatch(ServerAnswer::matches);
        long elapsed = Duration.between(start, clock.instant()).toMillis();
        metrics.counter("baton_dns_propagation_checks_total", "result", complete ? "complete" : "incomplete").increment();
        return new PropagationReport(fqdn, t.name(), want, zone.map(ProviderRegistry.ZoneTarget::zone).orElse(null), complete,
                !complete && !wait.isZero(), rounds, elapsed, clock.instant(), answers, resolversAgree, resolverAnswers);
    }

    private List<Target> targets(String fqdn, Optional<ProviderRegistry.ZoneTarget> zone, List<String> explicit) {
        List<Target> out = new ArrayList<>();
        if (!explicit.isEmpty()) {
            for (String s : explicit) {
                try {
                    out.add(new Target(HostPort.parse(s, 53), null));
                } catch (IllegalArgumentException e) {
                    throw new InvalidRequestException("nameservers: " + e.getMessage());
                }
            }
            return out;
        }
        if (zone.isPresent() && !zone.get().nameservers().isEmpty()) {
            zone.get().nameservers().forEach(a -> out.add(new Target(a, null)));
            return out;
        }
        if (zone.isEmpty()) {
            throw new InvalidRequestException(fqdn + " is in no configured zone; give nameservers= explicitly");
        }
        return discover(zone.get().zone());
    }

    /** The zone's NS records and their addresses, asked of the configured resolvers. */
    private List<Target> discover(String zone) {
        if (resolvers.isEmpty()) {
            throw new InvalidRequestException("no nameservers configured for " + zone + " and no resolvers to look them up");
        }
        Message ns = askResolvers(absolute(zone), Type.NS);
        List<Target> out = new ArrayList<>();
        for (Record r : ns.getSection(Section.ANSWER)) {
            if (r instanceof NSRecord nsr && out.size() < MAX_NAMESERVERS) {
                Name host = nsr.getTarget();
                for (int addrType : new int[] {Type.A, Type.AAAA}) {
                    Message a = askResolvers(host, addrType);
                    for (Record ar : a.getSection(Section.ANSWER)) {
                        if (ar instanceof ARecord rec) {
                            out.add(new Target(new InetSocketAddress(rec.getAddress(), 53), stripDot(host.toString())));
                        } else if (ar instanceof AAAARecord rec) {
                            out.add(new Target(new InetSocketAddress(rec.getAddress(), 53), stripDot(host.toString())));
                        }
                    }
                }
            }
        }
        if (out.isEmpty()) {
            throw new InvalidRequestException("could not find the nameservers of " + zone + " through " + resolvers.size() + " resolvers");
        }
        return out;
    }

    private Message askResolvers(Name name, int type) {
        IOException last = null;
        for (InetSocketAddress r : resolvers) {
            try {
                Message reply = resolver(r).send(Message.newQuery(Record.newRecord(name, type, DClass.IN)));
                if (reply.getRcode() == Rcode.NOERROR) {
                    return reply;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new InvalidRequestException("resolvers could not answer " + name + " " + Type.string(type)
                + (last == null ? "" : " (" + last.getClass().getSimpleName() + ")"));
    }

    /** Queries every target at once (recursion off) and waits for all answers or their timeouts. */
    private List<ServerAnswer> round(List<Target> targets, Name qname, RecordType type, String want, Name zone) {
        Map<Target, CompletableFuture<Message>> answers = new LinkedHashMap<>();
        Map<Target, CompletableFuture<Message>> serials = new LinkedHashMap<>();
        for (Target target : targets) {
            answers.put(target, ask(target.address(), qname, type.dnsType(), false));
            if (zone != null) {
                serials.put(target, ask(target.address(), zone, Type.SOA, false));
            }
        }
        List<ServerAnswer> out = new ArrayList<>();
        for (Target target : targets) {
            Long serial = null;
            if (zone != null) {
                Message soa = await(serials.get(target));
                if (soa != null) {
                    for (Record r : soa.getSection(Section.ANSWER)) {
                        if (r instanceof SOARecord s) {
                            serial = s.getSerial();
                        }
                    }
                }
            }
            out.add(describe(target, await(answers.get(target)), answers.get(target), qname, type, want, serial, false));
        }
        return out;
    }

    private List<ServerAnswer> resolverAnswers(Name qname, RecordType type, String want, boolean informationalOnly) {
        Map<InetSocketAddress, CompletableFuture<Message>> futures = new LinkedHashMap<>();
        for (InetSocketAddress r : resolvers) {
            futures.put(r, ask(r, qname, type.dnsType(), true));
        }
        List<ServerAnswer> out = new ArrayList<>();
        futures.forEach((r, f) -> {
            ServerAnswer a = describe(new Target(r, null), await(f), f, qname, type, want, null, true);
            if (!informationalOnly) {
                a = new ServerAnswer(a.server(), a.host(), false, a.authoritative(), a.rcode(), a.answers(), a.ttl(), a.soaSerial(),
                        a.matches(), a.matches() || a.error() != null ? a.error()
                                : "still answers the old value after cached answers should have expired");
            }
            out.add(a);
        });
        return out;
    }

    private ServerAnswer describe(Target target, Message reply, CompletableFuture<Message> future, Name qname, RecordType type,
            String want, Long serial, boolean informational) {
        String server = HostPort.format(target.address());
        if (reply == null) {
            return new ServerAnswer(server, target.host(), informational, false, null, List.of(), null, serial, false, failure(future));
        }
        boolean aa = reply.getHeader().getFlag(Flags.AA);
        List<String> values = new ArrayList<>();
        Long ttl = null;
        for (Record r : reply.getSection(Section.ANSWER)) {
            if (r.getType() == type.dnsType() && r.getName().equals(qname)) {
                values.add(valueOf(r));
                ttl = ttl == null ? r.getTTL() : Math.min(ttl, r.getTTL());
            }
        }
        int rcode = reply.getRcode();
        boolean has = values.stream().anyMatch(v -> type.sameValue(v, want));
        boolean matches = rcode == Rcode.NOERROR && has && (informational || aa);
        String error = informational || aa ? null : "answer is not authoritative (AA flag not set): this server does not serve the zone";
        return new ServerAnswer(server, target.host(), informational, aa, Rcode.string(rcode), values, ttl, serial, matches, error);
    }

    private CompletableFuture<Message> ask(InetSocketAddress server, Name name, int type, boolean recursive) {
        Message query = Message.newQuery(Record.newRecord(name, type, DClass.IN));
        if (!recursive) {
            query.getHeader().unsetFlag(Flags.RD);
        }
        return resolver(server).sendAsync(query).toCompletableFuture();
    }

    private Message await(CompletableFuture<Message> f) {
        try {
            return f.get(queryTimeout.toMillis() + 500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (Exception e) {
            return null;
        }
    }

    private static String failure(CompletableFuture<Message> f) {
        if (!f.isDone()) {
            return "no answer (timeout)";
        }
        try {
            f.join();
            return "no answer";
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            return "no answer (" + cause.getClass().getSimpleName() + ")";
        }
    }

    private SimpleResolver resolver(InetSocketAddress server) {
        SimpleResolver r = new SimpleResolver(server);
        r.setTimeout(queryTimeout);
        return r;
    }

    private static String valueOf(Record r) {
        if (r instanceof TXTRecord txt) {
            return String.join("", txt.getStrings());
        }
        return stripDot(r.rdataToString());
    }

    private static Name absolute(String fqdn) {
        try {
            return Name.fromString(fqdn.endsWith(".") ? fqdn : fqdn + ".");
        } catch (TextParseException e) {
            throw new InvalidRequestException("'" + fqdn + "' is not a domain name");
        }
    }

    private static String stripDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }
}
