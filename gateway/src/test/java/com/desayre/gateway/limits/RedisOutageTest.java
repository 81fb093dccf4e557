package com.desayre.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.resilience4j.circuitbreaker.CircuitBreaker.State;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What counts as a Redis outage: failures in a row, lasting a while; never one slow call. On a Resilience4j breaker. */
class RedisOutageTest {
    private static final Throwable TIMEOUT = new TimeoutException("Redis did not answer in 500 ms");

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RedisOutage outage = new RedisOutage(3, Duration.ofSeconds(1), Duration.ofSeconds(2), new TestClock(now));

    @Test
    void oneSlowCallOrOneBurstIsNotAnOutage() {
        assertThat(outage.failed(TIMEOUT)).isFalse();
        outage.answered();
        // thirty concurrent calls caught by the same 600 ms blip fail together: still no outage
        for (int i = 0; i < 30; i++) {
            assertThat(outage.failed(TIMEOUT)).isFalse();
        }
        assertThat(outage.state()).isEqualTo(State.CLOSED);
    }

    @Test
    void failuresInARowOverTheLastingTimeAreAnOutage() {
        assertThat(outage.failed(TIMEOUT)).isFalse();
        now.addAndGet(500);
        assertThat(outage.failed(TIMEOUT)).isFalse();
        now.addAndGet(500);
        assertThat(outage.failed(TIMEOUT)).isTrue();
        assertThat(outage.state()).isEqualTo(State.OPEN);
    }

    @Test
    void anAnswerEndsTheStreak() {
        outage.failed(TIMEOUT);
        now.addAndGet(600);
        outage.failed(TIMEOUT);
        outage.answered();
        now.addAndGet(600);
        assertThat(outage.failed(TIMEOUT)).isFalse();
        now.addAndGet(600);
        assertThat(outage.failed(TIMEOUT)).isFalse();
    }

    /** While out, nothing asks Redis until the breaker has waited; then one probe, whose answer closes it. */
    @Test
    void theProbeIsTheOneCallThatMayCloseTheBreaker() {
        outAfterThreeFailures();
        assertThat(outage.mayProbe()).as("still waiting in open").isFalse();
        now.addAndGet(1_000);
        assertThat(outage.mayProbe()).as("half a probe interval later").isTrue();
        assertThat(outage.state()).isEqualTo(State.HALF_OPEN);
        assertThat(outage.out()).as("half-open: requests still do not ask Redis").isTrue();
        outage.answered();
        assertThat(outage.state()).isEqualTo(State.CLOSED);
        assertThat(outage.out()).isFalse();
    }

    @Test
    void aFailedProbeOpensTheBreakerForAnotherWait() {
        outAfterThreeFailures();
        now.addAndGet(1_000);
        assertThat(outage.mayProbe()).isTrue();
        outage.probeFailed(TIMEOUT);
        assertThat(outage.state()).isEqualTo(State.OPEN);
        assertThat(outage.mayProbe()).isFalse();
        now.addAndGet(1_500);
        assertThat(outage.mayProbe()).isTrue();
    }

    /** Closed again, a new outage takes a whole new streak. */
    @Test
    void afterRecoveryItTakesAWholeNewStreak() {
        outAfterThreeFailures();
        now.addAndGet(1_000);
        outage.mayProbe();
        outage.answered();
        now.addAndGet(500);
        assertThat(outage.failed(TIMEOUT)).isFalse();
        now.addAndGet(500);
        assertThat(outage.failed(TIMEOUT)).isFalse();
        now.addAndGet(500);
        assertThat(outage.failed(TIMEOUT)).isTrue();
    }

    @Test
    void theBreakersStateIsAMetric() {
        var meters = new SimpleMeterRegistry();
        outage.bindTo(meters);
        assertThat(state(meters, "closed")).isEqualTo(1);
        outAfterThreeFailures();
        assertThat(state(meters, "open")).isEqualTo(1);
        assertThat(state(meters, "closed")).isZero();
    }

    private void outAfterThreeFailures() {
        for (int i = 0; i < 3; i++) {
            outage.failed(TIMEOUT);
            now.addAndGet(500);
        }
        assertThat(outage.state()).isEqualTo(State.OPEN);
    }

    private static double state(SimpleMeterRegistry meters, String state) {
        return meters.get("resilience4j.circuitbreaker.state").tag("name", RedisOutage.NAME).tag("state", state).gauge().value();
    }

    /** A clock the test moves. */
    private static final class TestClock extends Clock {
        private final AtomicLong millis;

        TestClock(AtomicLong millis) {
            this.millis = millis;
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
        public long millis() {
            return millis.get();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }
}
