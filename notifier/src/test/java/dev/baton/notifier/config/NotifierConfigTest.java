package dev.baton.notifier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.common.MapBackedConfigSource;
import io.smallrye.config.validator.BeanValidationConfigValidatorImpl;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A channel or route misconfiguration stops startup with a message naming the key, and never a secret. */
public class NotifierConfigTest {
    public static final String TOKEN = "123456:SECRET-abcdefghijkl";

    public static Map<String, String> valid() {
        Map<String, String> m = new HashMap<>();
        m.put("baton.notifier.channels.ops.telegram.token", TOKEN);
        m.put("baton.notifier.channels.ops.telegram.chat-id", "-100123");
        m.put("baton.notifier.channels.mail.email.from", "baton@example.test");
        m.put("baton.notifier.channels.mail.email.to", "oncall@example.test");
        m.put("baton.notifier.channels.mail.fallback", "ops");
        m.put("baton.notifier.routes[0].severities", "CRITICAL");
        m.put("baton.notifier.routes[0].channels", "ops,mail");
        return m;
    }

    public static NotifierConfig build(Map<String, String> values) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(NotifierConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withValidator(new BeanValidationConfigValidatorImpl())
                .withSources(new MapBackedConfigSource("test", values) {
                })
                .build();
        return config.getConfigMapping(NotifierConfig.class);
    }

    @Test
    void aValidConfigurationHasDocumentedDefaults() {
        NotifierConfig c = build(valid());
        assertThat(ConfigValidator.problems(c)).isEmpty();
        assertThat(c.pipeline().groupWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(c.outbox().maxAge()).isEqualTo(Duration.ofHours(24));
        assertThat(c.channels().get("ops").telegram().orElseThrow().apiUrl()).isEqualTo("https://api.telegram.org");
        assertThat(c.channels().get("ops").escalateAfter()).isEqualTo(3);
        assertThat(c.routes().get(0).continueMatching()).isFalse();
    }

    @Test
    void aMissingTelegramChatNamesTheKey() {
        Map<String, String> m = valid();
        m.remove("baton.notifier.channels.ops.telegram.chat-id");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.notifier.channels.ops.telegram.chat-id");
    }

    @Test
    void aRouteToAnUnknownChannelNamesTheKey() {
        Map<String, String> m = valid();
        m.put("baton.notifier.routes[0].channels", "ops,pager");
        assertThatThrownBy(() -> ConfigValidator.requireValid(build(m)))
                .hasMessageContaining("baton.notifier.routes[0].channels: unknown channel 'pager'");
    }

    @Test
    void aChannelWithTwoTypesIsRejected() {
        Map<String, String> m = valid();
        m.put("baton.notifier.channels.ops.slack.webhook-url", "https://hooks.slack.com/services/T/B/SECRETPART");
        assertThatThrownBy(() -> ConfigValidator.requireValid(build(m)))
                .hasMessageContaining("baton.notifier.channels.ops must have exactly one of");
    }

    @Test
    void badValuesAreNamedWithoutEchoingSecrets() {
        Map<String, String> m = valid();
        m.put("baton.notifier.channels.ops.telegram.token", "not a token SECRETVALUE");
        m.put("baton.notifier.channels.hook.webhook.url", "ftp://example.test/SECRETPATH");
        m.put("baton.notifier.channels.hook.webhook.secret", "0123456789abcdefXYZ");
        m.put("baton.notifier.channels.mail.fallback", "nobody");
        m.put("baton.notifier.routes[0].severities", "FATAL");
        m.put("baton.notifier.pipeline.repeat-interval", "1m");
        assertThatThrownBy(() -> ConfigValidator.requireValid(build(m)))
                .hasMessageContaining("baton.notifier.channels.ops.telegram.token does not look like a bot token")
                .hasMessageContaining("baton.notifier.channels.hook.webhook.url must be an http(s) URL")
                .hasMessageContaining("baton.notifier.channels.mail.fallback: 'nobody'")
                .hasMessageContaining("baton.notifier.routes[0].severities: unknown severity 'FATAL'")
                .hasMessageContaining("baton.notifier.pipeline.repeat-interval")
                .hasMessageNotContaining("SECRETVALUE")
                .hasMessageNotContaining("SECRETPATH");
    }

    @Test
    void aShortPagerDutyKeyIsRejectedByBeanValidation() {
        Map<String, String> m = valid();
        m.put("baton.notifier.channels.pd.pagerduty.routing-key", "short");
        assertThatThrownBy(() -> build(m)).hasMessageContaining("baton.notifier.channels.pd.pagerduty.routing-key");
    }

    @Test
    void everyKeyCanComeFromEnvironmentVariables() {
        Map<String, String> env = Map.of(
                "BATON_NOTIFIER_CHANNELS_OPS_TELEGRAM_TOKEN", TOKEN,
                "BATON_NOTIFIER_CHANNELS_OPS_TELEGRAM_CHAT_ID", "-1001234567890",
                "BATON_NOTIFIER_CHANNELS_OPS_FALLBACK", "desk",
                "BATON_NOTIFIER_CHANNELS_DESK_EMAIL_FROM", "baton@example.test",
                "BATON_NOTIFIER_CHANNELS_DESK_EMAIL_TO", "oncall@example.test,desk@example.test",
                "BATON_NOTIFIER_ROUTES_0__CHANNELS", "ops,desk",
                "BATON_NOTIFIER_ROUTES_0__LABELS_SITE", "primary",
                "BATON_NOTIFIER_PIPELINE_GROUP_WAIT", "0s",
                "BATON_NOTIFIER_OUTBOX_MAX_AGE", "2h");
        NotifierConfig c = new SmallRyeConfigBuilder()
                .withMapping(NotifierConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new EnvConfigSource(env, 300))
                .build().getConfigMapping(NotifierConfig.class);
        assertThat(ConfigValidator.problems(c)).isEmpty();
        assertThat(c.channels().get("ops").telegram().orElseThrow().chatId()).isEqualTo("-1001234567890");
        assertThat(c.channels().get("ops").fallback()).contains("desk");
        assertThat(c.channels().get("desk").email().orElseThrow().to()).containsExactly("oncall@example.test", "desk@example.test");
        assertThat(c.routes().get(0).channels()).containsExactly("ops", "desk");
        assertThat(c.routes().get(0).labels()).containsEntry("site", "primary");
        assertThat(c.pipeline().groupWait()).isZero();
        assertThat(c.outbox().maxAge()).isEqualTo(Duration.ofHours(2));
    }
}
