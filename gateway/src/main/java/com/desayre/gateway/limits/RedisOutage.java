package com.desayre.gateway.limits;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Tells one slow Redis call from an outage, on a Resilience4j {@link CircuitBreaker} named {@value #NAME} (its state is
 * the metric {@code resilience4j.circuitbreaker.state{name="redis-limits"}}). Redis is out when {@code failures} calls
 * in a row have failed over at least {@code lasting}: one slow call, or a burst of concurrent calls caught by the same
 * blip, is not an outage. Any answer ends the streak.
 *
 * <p>How that maps onto the breaker (docs/limits.md, "What counts as an outage"):
 * <ul>
 *   <li>a count-based window of the last {@code failures} calls, at least {@code failures} of them, opening at a 100 %
 *       failure rate: the last {@code failures} calls all failed, i.e. "in a row" (one answer among them keeps it shut);
 *   <li>the breaker counts at most one failure per {@code lasting / (failures - 1)}: a burst of failures from one blip
 *       counts once, so {@code failures} counted failures span at least {@code lasting}. An answer is always counted;
 *   <li>open, requests never ask Redis (the instance limits locally); after half a probe interval the breaker lets
 *       one call through (half-open): the probe, which reconciles the quota ledger before the breaker closes again.
 *       A probe that fails opens it again, for another wait.
 * </ul>
 */
final class RedisOutage {
    static final String NAME = "redis-limits";

    private final CircuitBreakerRegistry registry;
    private final CircuitBreaker breaker;
    private final Clock clock;
    private final long spacingMs;
    private boolean counting;
    private long lastCountedAt;

    RedisOutage(int failures, Duration lasting, Duration probeInterval, Clock clock) {
        this.clock = clock;
        this.spacingMs = lasting.toMillis() / Math.max(1, failures - 1);
        var config = CircuitBreakerConfig.custom()
                .slidingWindow(failures, failures, SlidingWindowType.COUNT_BASED)
                .failureRateThreshold(100)
                .waitDurationInOpenState(max(probeInterval.dividedBy(2), Duration.ofMillis(1)))
                .permittedNumberOfCallsInHalfOpenState(1)
                .clock(clock)
                .currentTimestampFunction(c -> c.millis(), TimeUnit.MILLISECONDS)
                .build();
        // no slow-call rule: a call slower than redis-timeout has already failed (the timeout), any other is an answer
        this.registry = CircuitBreakerRegistry.of(config);
        this.breaker = registry.circuitBreaker(NAME);
    }

    /** The breaker's state and call counts as metrics ({@code resilience4j.circuitbreaker.*{name="redis-limits"}}). */
    void bindTo(MeterRegistry meters) {
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(registry).bindTo(meters);
    }

    /** Redis answered: the streak ends. */
    synchronized void answered() {
        counting = false;
        breaker.onSuccess(0, TimeUnit.MILLISECONDS);
    }

    /** Counts one failed call (unless a failure was counted less than the spacing ago); true when Redis is now out. */
    synchronized boolean failed(Throwable failure) {
        var now = clock.millis();
        if (!counting || now - lastCountedAt >= spacingMs) {
            counting = true;
            lastCountedAt = now;
            breaker.onError(0, TimeUnit.MILLISECONDS, failure);
        }
        return out();
    }

    /** True while the breaker is not closed: requests do not ask Redis. */
    boolean out() {
        return breaker.getState() != CircuitBreaker.State.CLOSED;
    }

    /** True when the breaker has waited long enough in open to let the probe through (it is then half-open). */
    synchronized boolean mayProbe() {
        return breaker.tryAcquirePermission();
    }

    /** The probe failed: the breaker opens again, always (a probe is never folded into a burst). */
    synchronized void probeFailed(Throwable failure) {
        counting = true;
        lastCountedAt = clock.millis();
        breaker.onError(0, TimeUnit.MILLISECONDS, failure);
    }

    CircuitBreaker.State state() {
        return breaker.getState();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
