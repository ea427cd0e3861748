package dev.baton.coordinator.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which site a record value belongs to does not depend on how the provider spells the name. */
class DnsStatusTest {

    @Test
    void aNameIsTheSameWithOrWithoutTheFinalDotAndInAnyCase() {
        assertThat(DnsStatus.same("standby.example.net", "Standby.Example.NET.")).isTrue();
        assertThat(DnsStatus.same("198.51.100.20", "198.51.100.20")).isTrue();
    }

    @Test
    void anotherValueIsNotTheSame() {
        assertThat(DnsStatus.same("198.51.100.20", "198.51.100.2")).isFalse();
        assertThat(DnsStatus.same("standby.example.net", "primary.example.net.")).isFalse();
    }
}
