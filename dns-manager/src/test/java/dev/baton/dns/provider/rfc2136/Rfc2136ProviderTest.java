package dev.baton.dns.provider.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.common.testing.RequiredTool;
import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.ProviderCalls;
import dev.baton.dns.provider.ProviderException;
import dev.baton.dns.provider.RecordChange;
import dev.baton.dns.provider.RecordType;
import dev.baton.common.testing.KnotServers;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/** The RFC 2136 provider against a real knotd: the server itself enforces compare-and-set and the TSIG key. */
class Rfc2136ProviderTest {
    private static KnotServers knot;

    @BeforeAll
    static void startKnot() throws Exception {
        RequiredTool.require(KnotServers.available(), "knotd at " + KnotServers.KNOTD + " (apt-get install knot)");
        knot = KnotServers.start(List.of("example.test"));
    }

    @AfterAll
    static void stopKnot() {
        if (knot != null) {
            knot.close();
        }
    }

    private static Rfc2136Provider provider(String secret) throws Exception {
        TSIG tsig = new TSIG(TSIG.HMAC_SHA256, Name.fromString(KnotServers.KEY_NAME), Base64.getDecoder().decode(secret));
        return new Rfc2136Provider("knot", knot.primary(), tsig, Duration.ofSeconds(3), ProviderCalls.of("knot", 0, Duration.ofSeconds(1)));
    }

    @Test
    void anUpdateBasedOnAStaleReadIsRefusedByTheServer() throws Exception {
        knot.set(knot.primary(), "example.test", "race.example.test", "A", "192.0.2.10", 300);
        Rfc2136Provider provider = provider(knot.tsigSecret());
        List<DnsRecord> read = provider.list("example.test", "race.example.test", RecordType.A);
        assertThat(read).extracting(DnsRecord::value).containsExactly("192.0.2.10");

        // someone else changes the record between our read and our update
        knot.set(knot.primary(), "example.test", "race.example.test", "A", "203.0.113.5", 300);
        RecordChange change = new RecordChange("example.test", read.get(0), read.get(0).withValueAndTtl("198.51.100.20", 60), read, "test");

        assertThatThrownBy(() -> provider.apply(change))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.CONFLICT))
                .hasMessageContaining("changed since it was read");
        assertThat(provider.list("example.test", "race.example.test", RecordType.A)).extracting(DnsRecord::value)
                .containsExactly("203.0.113.5");
    }

    @Test
    void aWrongTsigKeyIsAnAuthFailureAndChangesNothing() throws Exception {
        knot.set(knot.primary(), "example.test", "key.example.test", "A", "192.0.2.10", 300);
        Rfc2136Provider good = provider(knot.tsigSecret());
        List<DnsRecord> read = good.list("example.test", "key.example.test", RecordType.A);
        Rfc2136Provider bad = provider(Base64.getEncoder().encodeToString(new byte[32]));
        RecordChange change = new RecordChange("example.test", read.get(0), read.get(0).withValueAndTtl("198.51.100.20", 60), read, "test");

        assertThatThrownBy(() -> bad.apply(change))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.kind()).isEqualTo(ProviderException.Kind.AUTH));
        assertThat(good.list("example.test", "key.example.test", RecordType.A)).extracting(DnsRecord::value).containsExactly("192.0.2.10");
    }

    @Test
    void changesOneValueOfASetAndMovesTheWholeSetToTheNewTtl() throws Exception {
        knot.set(knot.primary(), "example.test", "multi.example.test", "A", "192.0.2.10", 300);
        Rfc2136Provider provider = provider(knot.tsigSecret());
        // a second value of the same set, added by hand
        org.xbill.DNS.Update u = new org.xbill.DNS.Update(Name.fromString("example.test."));
        u.add(Rfc2136Provider.toRecord(Name.fromString("multi.example.test."), org.xbill.DNS.Type.A, 300, "192.0.2.11"));
        org.xbill.DNS.SimpleResolver r = new org.xbill.DNS.SimpleResolver(knot.primary());
        r.setTCP(true);
        r.setTSIGKey(new TSIG(TSIG.HMAC_SHA256, Name.fromString(KnotServers.KEY_NAME), Base64.getDecoder().decode(knot.tsigSecret())));
        assertThat(r.send(u).getRcode()).isZero();

        List<DnsRecord> set = provider.list("example.test", "multi.example.test", RecordType.A);
        assertThat(set).hasSize(2);
        DnsRecord from = set.stream().filter(x -> x.value().equals("192.0.2.10")).findFirst().orElseThrow();
        provider.apply(new RecordChange("example.test", from, from.withValueAndTtl("198.51.100.20", 60), set, "test"));

        List<DnsRecord> after = provider.list("example.test", "multi.example.test", RecordType.A);
        assertThat(after).extracting(DnsRecord::value).containsExactlyInAnyOrder("198.51.100.20", "192.0.2.11");
        assertThat(after).extracting(DnsRecord::ttl).containsOnly(60);
    }
}
