package com.desayre.gateway.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What counts as a Redis outage: failures in a row, lasting a while; never one slow call. */
class RedisOutageTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RedisOutage outage = new RedisOutage(3, Duration.ofSeconds(1), now::get);

    @Test
    void oneSlowCallOrOneBurstIsNotAnOutage() {
        assertThat(outage.failed()).isFalse();
        outage.answered();
        // thirty concurrent calls caught by the same 600 ms blip fail together: still no outage
        for (int i = 0; i < 30; i++) {
            assertThat(outage.failed()).isFalse();
        }
    }

    @Test
    void failuresInARowOverTheLastingTimeAreAnOutage() {
        assertThat(outage.failed()).isFalse();
        now.addAndGet(500);
        assertThat(outage.failed()).isFalse();
        now.addAndGet(500);
        assertThat(outage.failed()).isTrue();
    }

    @Test
    void anAnswerEndsTheStreak() {
        outage.failed();
        now.addAndGet(600);
        outage.failed();
        outage.answered();
        now.addAndGet(600);
        assertThat(outage.failed()).isFalse();
        now.addAndGet(600);
        assertThat(outage.failed()).isFalse();
    }
}
