package com.desayre.gateway.limits;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Tells one slow Redis call from an outage: Redis is taken as out only when at least {@code failures}
 * calls in a row have failed (timed out or errored) over at least {@code lasting} — one slow call, or a
 * burst of concurrent calls caught by the same blip, is not an outage. Any answer ends the streak.
 */
final class RedisOutage {
    private final int failures;
    private final long lastingMs;
    private final LongSupplier clock;
    private int streak;
    private long streakStartedAt;

    RedisOutage(int failures, Duration lasting, LongSupplier clockMillis) {
        this.failures = failures;
        this.lastingMs = lasting.toMillis();
        this.clock = clockMillis;
    }

    synchronized void answered() {
        streak = 0;
    }

    /** Counts one failed call; true when the failures now amount to an outage. */
    synchronized boolean failed() {
        var now = clock.getAsLong();
        if (streak++ == 0) {
            streakStartedAt = now;
        }
        return streak >= failures && now - streakStartedAt >= lastingMs;
    }
}
