package dev.baton.coordinator.replay;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that says what it is told: the recorded time of the entry a replay is at (and a test's hand-set time). */
public final class RecordedClock extends Clock {
    private volatile Instant now;

    public RecordedClock(Instant start) {
        this.now = start;
    }

    public void at(long epochMillis) {
        now = Instant.ofEpochMilli(epochMillis);
    }

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public Instant instant() {
        return now;
    }
}
