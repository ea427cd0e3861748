package dev.baton.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.common.wire.Severity;
import dev.baton.notifier.client.HttpPoster;
import dev.baton.notifier.config.NotifierConfig;
import dev.baton.notifier.config.NotifierConfigTest;
import dev.baton.notifier.pipeline.Alert;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bot token is in the request path: a transport error that quotes the URL must not carry it anywhere. */
class TelegramChannelTest {

    @Test
    void aTransportErrorQuotingTheUrlIsMaskedAndRetried() {
        NotifierConfig config = NotifierConfigTest.build(NotifierConfigTest.valid());
        HttpPoster failing = new HttpPoster(config) {
            @Override
            public Reply postJson(URI uri, String body, Map<String, String> headers) throws IOException {
                throw new IOException("connection reset while sending to " + uri);
            }
        };
        TelegramChannel channel = new TelegramChannel("ops", config.channels().get("ops").telegram().orElseThrow(), failing,
                new ObjectMapper());
        Alert alert = new Alert("k", Severity.CRITICAL, "engine down", "", "", Map.of(), false, Instant.now());

        DeliveryResult result = channel.send(new Notification(List.of(alert)));

        assertThat(result).isInstanceOf(DeliveryResult.Retry.class);
        String error = ((DeliveryResult.Retry) result).error();
        assertThat(error).contains("/bot<token>/sendMessage").doesNotContain(NotifierConfigTest.TOKEN)
                .doesNotContain("SECRET");
    }
}
