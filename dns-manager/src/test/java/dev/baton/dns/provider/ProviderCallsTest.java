package dev.baton.dns.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Retry and rate-limit behaviour, on a virtual clock (no real waiting). */
class ProviderCallsTest {
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");
    private final List<Duration> slept = new ArrayList<>();

    private ProviderCalls calls(int retries, Duration maxWait) {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new ProviderCalls("acct", retries, maxWait, clock, d -> {
            slept.add(d);
            now = now.plus(d);
        });
    }

    @Test
    void waitsExactlyTheRetryAfterTheProviderNamed() {
        AtomicInteger attempts = new AtomicInteger();
        String result = calls(3, Duration.ofSeconds(30)).run("list", () -> {
            if (attempts.incrementAndGet() == 1) {
                throw ProviderException.rateLimited("HTTP 429", Duration.ofSeconds(7));
            }
            return "ok";
        });
        assertThat(result).isEqualTo("ok");
        assertThat(slept).containsExactly(Duration.ofSeconds(7));
    }

    @Test
    void aWindowLongerThanTheLimitFailsAtOnceAndBlocksLaterCallsWithoutSendingThem() {
        ProviderCalls calls = calls(3, Duration.ofSeconds(30));
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls.run("list", () -> {
            attempts.incrementAndGet();
            throw ProviderException.rateLimited("HTTP 429", Duration.ofMinutes(5));
        })).hasMessageContaining("HTTP 429");
        assertThatThrownBy(() -> calls.run("list", () -> attempts.incrementAndGet()))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.RATE_LIMITED);
                    assertThat(e.retryAfter()).isEqualTo(Duration.ofMinutes(5));
                });
        assertThat(attempts).hasValue(1);
        assertThat(slept).isEmpty();
    }

    @Test
    void transientFailuresAreRetriedABoundedNumberOfTimesWithGrowingJitteredPauses() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls(3, Duration.ofSeconds(30)).run("change", () -> {
            attempts.incrementAndGet();
            throw ProviderException.transientFailure("Throttling", null);
        })).hasMessage("Throttling");
        assertThat(attempts).hasValue(4);
        assertThat(slept).hasSize(3);
        assertThat(slept.get(0)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
        assertThat(slept.get(2)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
    }

    @Test
    void rejectionsAreNotRetried() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> calls(3, Duration.ofSeconds(30)).run("change", () -> {
            attempts.incrementAndGet();
            throw ProviderException.auth("HTTP 403");
        })).hasMessage("HTTP 403");
        assertThat(attempts).hasValue(1);
    }
}
