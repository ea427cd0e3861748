package dev.baton.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.common.wire.Severity;
import dev.baton.notifier.pipeline.Alert;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Telegram HTML rendering, the 4096-character rule, and the per-chat rate limit. */
class TelegramTextTest {
    static final Instant T = Instant.parse("2026-11-23T12:00:00Z");

    static Alert alert(String title, String message) {
        return new Alert("k", Severity.CRITICAL, title, message, "src", Map.of("site", "primary"), false, T);
    }

    @Test
    void escapesHtmlSoUserTextCannotBreakTheMarkup() {
        String html = TelegramText.render(new Notification(List.of(alert("a<b> & </b>", "x > y"))));
        assertThat(html).isEqualTo("<b>CRITICAL: a&lt;b&gt; &amp; &lt;/b&gt;</b>\nx &gt; y\n<i>site=primary</i>");
    }

    @Test
    void groupsRenderOneBlockPerAlert() {
        String html = TelegramText.render(new Notification(List.of(alert("engine down", ""), alert("gateway down", ""))));
        assertThat(html).contains("<b>CRITICAL: engine down</b>").contains("\n\n<b>CRITICAL: gateway down</b>");
    }

    @Test
    void longMessagesAreTruncatedToTheLimitWithClosedTagsAndAMarker() {
        String huge = "<&>".repeat(5000) + "😀".repeat(100);
        String html = TelegramText.render(new Notification(List.of(alert("t", huge), alert("second", "x"))));
        assertThat(html.length()).isLessThanOrEqualTo(TelegramText.LIMIT);
        assertThat(html).endsWith("… (truncated)").doesNotContain("second");
        assertThat(html).doesNotContainPattern("&[a-z]*\n… \\(truncated\\)$").as("no entity cut in half");
    }

    @Test
    void truncationNeverLeavesATagOpen() {
        String title = "x".repeat(300);
        for (int limit = 20; limit < 400; limit += 7) {
            String html = TelegramText.render(new Notification(List.of(alert(title, "m"))), limit);
            assertThat(html.length()).isLessThanOrEqualTo(limit);
            assertThat(count(html, "<b>")).isEqualTo(count(html, "</b>"));
        }
    }

    @Test
    void aTruncatedEmojiIsNeverSplit() {
        String html = TelegramText.render(new Notification(List.of(alert("t", "😀".repeat(3000)))));
        assertThat(html.codePoints().noneMatch(cp -> Character.isSurrogate((char) cp))).isTrue();
    }

    @Test
    void oneMessagePerSecondPerChat() {
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        TokenBucket bucket = new TokenBucket(1, nanos::get);
        assertThat(bucket.tryAcquire("100")).isZero();
        assertThat(bucket.tryAcquire("100")).isEqualTo(Duration.ofSeconds(1));
        assertThat(bucket.tryAcquire("200")).as("another chat has its own bucket").isZero();
        nanos.addAndGet(400_000_000L);
        assertThat(bucket.tryAcquire("100")).isEqualTo(Duration.ofMillis(600));
        nanos.addAndGet(600_000_000L);
        assertThat(bucket.tryAcquire("100")).isZero();
    }

    private static int count(String s, String sub) {
        return s.split(java.util.regex.Pattern.quote(sub), -1).length - 1;
    }
}
