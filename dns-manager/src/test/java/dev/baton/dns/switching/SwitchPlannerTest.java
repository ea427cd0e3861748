package dev.baton.dns.switching;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.dns.provider.DnsRecord;
import dev.baton.dns.provider.RecordType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compare-and-set decision, table style. */
class SwitchPlannerTest {

    private static DnsRecord a(String value, int ttl) {
        return new DnsRecord("id-" + value, "www.example.com", RecordType.A, value, ttl, null);
    }

    @Test
    void changesTheRecordHoldingFrom() {
        var plan = SwitchPlanner.plan(List.of(a("192.0.2.10", 300)), RecordType.A, "192.0.2.10", "198.51.100.20", 60);
        assertThat(plan).isInstanceOfSatisfying(SwitchPlanner.Change.class, c -> {
            assertThat(c.before().value()).isEqualTo("192.0.2.10");
            assertThat(c.after().value()).isEqualTo("198.51.100.20");
            assertThat(c.after().ttl()).isEqualTo(60);
            assertThat(c.after().id()).isEqualTo("id-192.0.2.10");
        });
    }

    @Test
    void keepsTheTtlWhenNoneIsGiven() {
        var plan = SwitchPlanner.plan(List.of(a("192.0.2.10", 300)), RecordType.A, "192.0.2.10", "198.51.100.20", null);
        assertThat(((SwitchPlanner.Change) plan).after().ttl()).isEqualTo(300);
    }

    @Test
    void alreadyToIsDone() {
        assertThat(SwitchPlanner.plan(List.of(a("198.51.100.20", 60)), RecordType.A, "192.0.2.10", "198.51.100.20", 60))
                .isInstanceOf(SwitchPlanner.AlreadyDone.class);
    }

    @Test
    void somethingElseOrNothingIsAConflict() {
        assertThat(SwitchPlanner.plan(List.of(a("203.0.113.1", 60)), RecordType.A, "192.0.2.10", "198.51.100.20", 60))
                .isInstanceOf(SwitchPlanner.Conflict.class);
        assertThat(SwitchPlanner.plan(List.of(), RecordType.A, "192.0.2.10", "198.51.100.20", 60))
                .isInstanceOf(SwitchPlanner.Conflict.class);
    }

    @Test
    void valuesAreComparedInCanonicalForm() {
        var v6 = new DnsRecord("1", "www.example.com", RecordType.AAAA, "2001:0db8:0000:0000:0000:0000:0000:0001", 60, null);
        assertThat(SwitchPlanner.plan(List.of(v6), RecordType.AAAA, "2001:db8::1", "2001:db8::2", 60))
                .isInstanceOf(SwitchPlanner.Change.class);
        var cname = new DnsRecord("2", "www.example.com", RecordType.CNAME, "Primary.Example.com.", 60, null);
        assertThat(SwitchPlanner.plan(List.of(cname), RecordType.CNAME, "primary.example.com", "standby.example.com", 60))
                .isInstanceOf(SwitchPlanner.Change.class);
        var txt = new DnsRecord("3", "www.example.com", RecordType.TXT, "\"site=primary\"", 60, null);
        assertThat(SwitchPlanner.plan(List.of(txt), RecordType.TXT, "site=primary", "site=standby", 60))
                .isInstanceOf(SwitchPlanner.Change.class);
    }

    @Test
    void preparingLowersOnlyTtlsAboveTheTarget() {
        var changes = SwitchPlanner.lowerTtl(List.of(a("192.0.2.10", 3600), a("192.0.2.11", 30)), 60);
        assertThat(changes).singleElement().satisfies(c -> {
            assertThat(c.after().ttl()).isEqualTo(60);
            assertThat(c.after().value()).isEqualTo("192.0.2.10");
        });
    }

    @Test
    void fromEqualToToNeverWrites() {
        assertThat(SwitchPlanner.plan(List.of(a("192.0.2.10", 300)), RecordType.A, "192.0.2.10", "192.0.2.10", 60))
                .isInstanceOf(SwitchPlanner.AlreadyDone.class);
        assertThat(SwitchPlanner.plan(List.of(a("203.0.113.1", 300)), RecordType.A, "192.0.2.10", "192.0.2.10", 60))
                .isInstanceOf(SwitchPlanner.Conflict.class);
    }
}
