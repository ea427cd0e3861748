package dev.baton.dns.provider.rfc2136;

import dev.baton.dns.provider.ChangeResult;
import dev.baton.dns.provider.DnsProvider;
import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.ProviderCalls;
import dev.baton.dns.provider.ProviderException;
import dev.baton.dns.provider.RecordChange;
import dev.baton.dns.provider.RecordType;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;

/**
 * RFC 2136 dynamic update, signed with TSIG, for self-hosted BIND, Knot or PowerDNS. The update carries the
 * record set just read as a prerequisite (RFC 2136 §2.4.2, "RRset exists, value dependent"), so the server
 * itself refuses it if anyone changed the set in between: a true compare-and-set.
 */
public final class Rfc2136Provider implements DnsProvider {
    private final String name;
    private final InetSocketAddress server;
    private final TSIG tsig;
    private final Duration timeout;
    private final ProviderCalls calls;

    public Rfc2136Provider(String name, InetSocketAddress server, TSIG tsig, Duration timeout, ProviderCalls calls) {
        this.name = name;
        this.server = server;
        this.tsig = tsig;
        this.timeout = timeout;
        this.calls = calls;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String kind() {
        return "rfc2136";
    }

    @Override
    public boolean compareAndSet() {
        return true;
    }

    @Override
    public boolean updatesWholeSet() {
        return true;
    }

    @Override
    public List<DnsRecord> list(String zone, String fqdn, RecordType type) {
        Message answer = calls.run("query", () -> {
            Message query = Message.newQuery(Record.newRecord(absolute(fqdn), type.dnsType(), DClass.IN));
            query.getHeader().unsetFlag(Flags.RD);
            Message reply = send(query, "query " + fqdn + " " + type);
            int rcode = reply.getRcode();
            if (rcode != Rcode.NOERROR && rcode != Rcode.NXDOMAIN) {
                throw ProviderException.rejected("server " + hostPort() + " answered " + Rcode.string(rcode) + " for " + fqdn);
            }
            return reply;
        });
        List<DnsRecord> out = new ArrayList<>();
        for (Record r : answer.getSection(Section.ANSWER)) {
            if (r.getType() == type.dnsType() && r.getName().equals(absolute(fqdn))) {
                out.add(new DnsRecord(null, fqdn, type, valueOf(r), (int) r.getTTL(), null));
            }
        }
        return out;
    }

    @Override
    public ChangeResult apply(RecordChange change) {
        Name zone = absolute(change.zone());
        Name owner = absolute(change.after().name());
        int dnsType = change.after().type().dnsType();
        Update update = new Update(zone);
        for (DnsRecord r : change.currentSet()) {
            update.present(toRecord(owner, dnsType, 0, r.value()));
        }
        update.delete(toRecord(owner, dnsType, 0, change.before().value()));
        update.add(toRecord(owner, dnsType, change.after().ttl(), change.after().value()));
        if (change.after().ttl() != change.before().ttl()) {
            // TTL is per set: rewrite the other members with the new TTL as well
            for (DnsRecord r : change.currentSet()) {
                if (!r.value().equals(change.before().value())) {
                    update.add(toRecord(owner, dnsType, change.after().ttl(), r.value()));
                }
            }
        }
        Message reply = calls.run("update", () -> send(update, "update " + change.after().name()));
        int rcode = reply.getRcode();
        if (rcode == Rcode.NXRRSET || rcode == Rcode.YXRRSET) {
            throw ProviderException.conflict("server " + hostPort() + " refused the update (" + Rcode.string(rcode)
                    + "): the record set changed since it was read");
        }
        if (rcode == Rcode.NOTAUTH || rcode == Rcode.REFUSED) {
            throw ProviderException.auth("server " + hostPort() + " refused the update (" + Rcode.string(rcode)
                    + "): check the TSIG key and the server's update ACL");
        }
        if (rcode != Rcode.NOERROR) {
            throw ProviderException.rejected("server " + hostPort() + " answered " + Rcode.string(rcode) + " to the update");
        }
        return new ChangeResult("rfc2136:" + reply.getHeader().getID(), change.after());
    }

    private Message send(Message message, String what) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTCP(true);
        resolver.setTimeout(timeout);
        resolver.setTSIGKey(tsig);
        try {
            Message reply = resolver.send(message);
            if (reply.getTSIG() != null && !reply.isVerified() && reply.getRcode() == Rcode.NOERROR) {
                throw ProviderException.auth("server " + hostPort() + ": reply to " + what + " failed TSIG verification");
            }
            return reply;
        } catch (IOException e) {
            throw ProviderException.transientFailure("server " + hostPort() + ": " + what + " failed (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    static Record toRecord(Name owner, int type, long ttl, String value) {
        try {
            String data = type == Type.TXT ? quote(value)
                    : type == Type.CNAME && !value.endsWith(".") ? value + "." : value;
            return Record.fromString(owner, type, DClass.IN, ttl, data, Name.root);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot build a " + Type.string(type) + " record from that value");
        }
    }

    private static String quote(String v) {
        return v.startsWith("\"") ? v : "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    static String valueOf(Record r) {
        if (r instanceof TXTRecord txt) {
            return String.join("", txt.getStrings());
        }
        String s = r.rdataToString();
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static Name absolute(String fqdn) {
        try {
            return Name.fromString(fqdn.endsWith(".") ? fqdn : fqdn + ".");
        } catch (TextParseException e) {
            throw new IllegalArgumentException("'" + fqdn + "' is not a domain name");
        }
    }

    private String hostPort() {
        return server.getHostString() + ":" + server.getPort();
    }
}
