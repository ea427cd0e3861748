package dev.baton.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A missing token list stops startup with a message naming the key (what Quarkus prints at boot). */
class AuthConfigTest {

    private static SmallRyeConfig build(Map<String, String> values) {
        return new SmallRyeConfigBuilder()
                .withMapping(AuthConfig.class)
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build();
    }

    @Test
    void missingTokensNameTheKey() {
        assertThatThrownBy(() -> build(Map.of()))
                .hasMessageContaining("baton.auth.tokens");
    }

    @Test
    void tokensAreReadAsAList() {
        SmallRyeConfig config = build(Map.of("baton.auth.tokens", "first-token-0123456789,second-token-0123456789"));
        assertThat(config.getConfigMapping(AuthConfig.class).tokens()).hasSize(2);
    }
}
