package com.desayre.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The retry schedule: doubling from retry-initial, capped at retry-max, each wait within ±20 % (jitter). */
class BackoffTest {
    private final Dispatcher dispatcher = new Dispatcher(null, new DispatcherSettings(false, null, null, null, null, null, null,
            Duration.ofSeconds(30), Duration.ofHours(1), null, null, null));

    @Test
    void waitsDoubleUpToTheCapWithJitter() {
        long[] expected = {30, 60, 120, 240, 480, 960, 1920, 3600, 3600};
        for (int attempt = 1; attempt <= expected.length; attempt++) {
            for (int i = 0; i < 50; i++) {
                var wait = dispatcher.backoff(attempt).toMillis();
                assertThat(wait).as("attempt %d", attempt).isBetween((long) (expected[attempt - 1] * 800), (long) (expected[attempt - 1] * 1200));
            }
        }
        assertThat(dispatcher.backoff(10_000)).isLessThanOrEqualTo(Duration.ofMinutes(72));
    }

    @Test
    void aSignatureIsTheStandardWebhooksOne() {
        // the specification's own example (standardwebhooks.com): secret, id, timestamp, body → signature
        var signature = Signatures.header(java.util.List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}");
        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }
}
