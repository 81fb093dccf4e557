package com.desayre.workerkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.JobError;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FailureClassTest {

    @Test
    void theHttpCodeDecidesWhereItIsTelling() {
        assertThat(FailureClass.of(401, "Invalid API key", false)).isEqualTo(FailureClass.AUTH);
        assertThat(FailureClass.of(402, "", false)).isEqualTo(FailureClass.AUTH);
        assertThat(FailureClass.of(403, "", false)).isEqualTo(FailureClass.AUTH);
        assertThat(FailureClass.of(429, "", false)).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(FailureClass.of(503, "Service temporarily unavailable.", false)).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(FailureClass.of(400, "width must be between 256 and 1024", false)).isEqualTo(FailureClass.REJECTED);
        assertThat(FailureClass.of(422, "", false)).isEqualTo(FailureClass.REJECTED);
    }

    @Test
    void withHttp200TheMessageDecides() {
        assertThat(FailureClass.of(200, "Invalid API key", false)).isEqualTo(FailureClass.AUTH);
        assertThat(FailureClass.of(200, "Insufficient credits", false)).isEqualTo(FailureClass.AUTH);
        assertThat(FailureClass.of(200, "Rate limit exceeded. Maximum 5 queued requests allowed.", false))
                .isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(FailureClass.of(200, "Internal server error. Please try again.", false)).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(FailureClass.of(200, "Unable to fetch image from provided URL", false)).isEqualTo(FailureClass.REJECTED);
        assertThat(FailureClass.of(200, "", false)).isEqualTo(FailureClass.REJECTED);
    }

    @Test
    void moderationWinsWhateverTheCode() {
        assertThat(FailureClass.of(200, "", true)).isEqualTo(FailureClass.CONTENT_POLICY);
        assertThat(FailureClass.of(400, "Prompt blocked by our content policy", false)).isEqualTo(FailureClass.CONTENT_POLICY);
        assertThat(FailureClass.of(200, "NSFW content detected", false)).isEqualTo(FailureClass.CONTENT_POLICY);
        assertThat(FailureClass.of(200, "flagged by moderation", false)).isEqualTo(FailureClass.CONTENT_POLICY);
    }

    @Test
    void onlyTransientClassesAreRetriedAndOnlySicknessCountsInTheBreaker() {
        for (var c : FailureClass.values()) {
            assertThat(c.retryable()).as(c.name()).isEqualTo(c.code().equals(JobError.PROVIDER_UNAVAILABLE));
        }
        assertThat(FailureClass.RATE_LIMITED.providerSick()).isFalse();
        assertThat(FailureClass.AUTH.providerSick()).isFalse();
        assertThat(FailureClass.SERVER_ERROR.providerSick()).isTrue();
        assertThat(FailureClass.TIMEOUT.providerSick()).isTrue();
    }

    @Test
    void backoffGrowsWithJitterAndRetryAfterWinsWhenLonger() {
        var retry = RetryConfig.custom().maxAttempts(4)
                .intervalFunction(IntervalFunction.ofExponentialRandomBackoff(Duration.ofMillis(1000), 2.0, 0.5, Duration.ofSeconds(60)))
                .build();
        var policies = new ProviderPolicies("modelslabs", CircuitBreakerRegistry.ofDefaults(), TimeLimiterRegistry.ofDefaults(),
                RetryRegistry.of(retry), BulkheadRegistry.ofDefaults());
        var plain = new ProviderFailure(FailureClass.SERVER_ERROR, "503");

        var first = policies.backoff("m", 1, plain);
        var third = policies.backoff("m", 3, plain);
        var limited = policies.backoff("m", 1, new ProviderFailure(FailureClass.RATE_LIMITED, "429", Duration.ofSeconds(30), "", false));

        assertThat(first).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
        assertThat(third).isBetween(Duration.ofMillis(2000), Duration.ofMillis(6000));
        assertThat(limited).isEqualTo(Duration.ofSeconds(30));
        assertThat(policies.maxAttempts("m")).isEqualTo(4);
    }
}
