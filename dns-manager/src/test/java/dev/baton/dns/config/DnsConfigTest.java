package dev.baton.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.dns.provider.ProviderRegistry;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A bad configuration stops startup with a message naming the key. */
class DnsConfigTest {

    private static DnsConfig build(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DnsConfig.class)
                // what Quarkus adds at boot: "2s"-style durations
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build();
        return config.getConfigMapping(DnsConfig.class);
    }

    private static Map<String, String> rfc2136(String name) {
        Map<String, String> m = new HashMap<>();
        m.put("baton.dns.providers." + name + ".type", "rfc2136");
        m.put("baton.dns.providers." + name + ".zones", "example.test");
        m.put("baton.dns.providers." + name + ".server", "127.0.0.1:5353");
        m.put("baton.dns.providers." + name + ".tsig-key-name", "key.");
        m.put("baton.dns.providers." + name + ".tsig-secret", "c2VjcmV0LXNlY3JldA==");
        return m;
    }

    @Test
    void defaultsNeedNoProviders() {
        DnsConfig config = build(Map.of());
        assertThat(config.providers()).isEmpty();
        assertThat(config.propagation().resolvers()).containsExactly("1.1.1.1", "8.8.8.8");
        assertThat(new ProviderRegistry(config).zones()).isEmpty();
    }

    @Test
    void aValidRfc2136AccountServesItsZone() {
        ProviderRegistry registry = new ProviderRegistry(build(rfc2136("knot")));
        assertThat(registry.zone("example.test")).isPresent();
        assertThat(registry.zoneOf("www.example.test")).isPresent();
        assertThat(registry.zoneOf("www.badexample.test")).isEmpty();
    }

    @Test
    void anUnknownProviderTypeNamesTheKey() {
        Map<String, String> m = rfc2136("x");
        m.put("baton.dns.providers.x.type", "godaddy");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.dns.providers.x.type");
    }

    @Test
    void aMissingZoneListNamesTheKey() {
        Map<String, String> m = rfc2136("x");
        m.remove("baton.dns.providers.x.zones");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.dns.providers.x.zones");
    }

    @Test
    void aMissingTokenNamesTheKey() {
        Map<String, String> m = new HashMap<>();
        m.put("baton.dns.providers.cf.type", "cloudflare");
        m.put("baton.dns.providers.cf.zones", "example.com");
        assertThatThrownBy(() -> new ProviderRegistry(build(m))).hasMessageContaining("baton.dns.providers.cf.token");
    }

    @Test
    void anUnreadableTokenFileNamesTheKeyButNotTheSecret() {
        Map<String, String> m = new HashMap<>();
        m.put("baton.dns.providers.cf.type", "cloudflare");
        m.put("baton.dns.providers.cf.zones", "example.com");
        m.put("baton.dns.providers.cf.token-file", "/nonexistent/cf-token");
        assertThatThrownBy(() -> new ProviderRegistry(build(m))).hasMessageContaining("baton.dns.providers.cf.token-file");
    }

    @Test
    void badServerAddressTsigSecretAndDuplicateZonesNameTheirKeys() {
        Map<String, String> badServer = rfc2136("knot");
        badServer.put("baton.dns.providers.knot.server", "ns1.example.test");
        assertThatThrownBy(() -> new ProviderRegistry(build(badServer))).hasMessageContaining("baton.dns.providers.knot.server");

        Map<String, String> badSecret = rfc2136("knot");
        badSecret.put("baton.dns.providers.knot.tsig-secret", "not base64 !!");
        assertThatThrownBy(() -> new ProviderRegistry(build(badSecret)))
                .hasMessageContaining("baton.dns.providers.knot.tsig-secret").hasMessageNotContaining("not base64 !!");

        Map<String, String> twice = rfc2136("a");
        twice.putAll(rfc2136("b"));
        assertThatThrownBy(() -> new ProviderRegistry(build(twice))).hasMessageContaining("zone example.test is already served");

        Map<String, String> badName = rfc2136("Bad_Name");
        assertThatThrownBy(() -> new ProviderRegistry(build(badName))).hasMessageContaining("baton.dns.providers.Bad_Name");
    }

    @Test
    void badPropagationResolverNamesTheKey() {
        Map<String, String> m = new HashMap<>();
        m.put("baton.dns.propagation.resolvers", "dns.google");
        DnsConfig config = build(m);
        assertThatThrownBy(() -> new dev.baton.dns.propagation.PropagationChecker(config, new ProviderRegistry(config),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry()))
                .hasMessageContaining("baton.dns.propagation.resolvers");
    }

    @Test
    void anAccountCanBeDeclaredEntirelyThroughEnvironmentVariables() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(DnsConfig.class)
                .withConverter(java.time.Duration.class, 100, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new io.smallrye.config.EnvConfigSource(Map.of(
                        "BATON_DNS_PROVIDERS_KNOT_TYPE", "rfc2136",
                        "BATON_DNS_PROVIDERS_KNOT_ZONES", "example.test",
                        "BATON_DNS_PROVIDERS_KNOT_SERVER", "127.0.0.1:5353",
                        "BATON_DNS_PROVIDERS_KNOT_TSIG_KEY_NAME", "key.",
                        "BATON_DNS_PROVIDERS_KNOT_TSIG_SECRET", "c2VjcmV0LXNlY3JldA==",
                        "BATON_DNS_PROVIDERS_KNOT_MAX_RETRIES", "2"), 300))
                .build();
        DnsConfig dns = config.getConfigMapping(DnsConfig.class);
        assertThat(dns.providers()).containsOnlyKeys("knot");
        assertThat(dns.providers().get("knot").maxRetries()).isEqualTo(2);
        assertThat(new ProviderRegistry(dns).zone("example.test")).isPresent();
    }
}
