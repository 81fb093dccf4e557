package com.desayre.workerkit;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.functions.Either;
import io.github.resilience4j.retry.RetryConfig;
import io.github.resilience4j.retry.RetryRegistry;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterRegistry;
import java.time.Duration;

/**
 * The Resilience4j instances a model's calls go through, all configured in YAML
 * ({@code resilience4j.*.instances.<provider>-<model>}, e.g. {@code modelslabs-nano-banana-pro}):
 *
 * <ul>
 *   <li>a <b>circuit breaker</b> per model: while open, jobs are parked, not failed, and no attempt is spent;</li>
 *   <li>a <b>time limiter</b> per model (submit) and {@code <provider>-fetch} (polls): the per-call timeouts;</li>
 *   <li>the model's <b>retry</b> config: max attempts and the exponential, jittered backoff. Attempts are
 *       counted in Postgres, not in a Retry's memory, so a restart neither forgets nor repeats them,
 *       and a wait of {@code retry_after} holds no thread;</li>
 *   <li>one <b>bulkhead</b> per account, {@code <provider>}: a permit per job the provider holds
 *       (submitted, not finished), sized to the account's queue, so DESAYRE does not earn 429s.</li>
 * </ul>
 */
public class ProviderPolicies {
    private final String provider;
    private final CircuitBreakerRegistry breakers;
    private final TimeLimiterRegistry timeLimiters;
    private final RetryRegistry retries;
    private final Bulkhead accountQueue;

    /** @param provider the instances' prefix, e.g. {@code modelslabs} or {@code xai} */
    public ProviderPolicies(String provider, CircuitBreakerRegistry breakers, TimeLimiterRegistry timeLimiters,
                            RetryRegistry retries, BulkheadRegistry bulkheads) {
        this.provider = provider;
        this.breakers = breakers;
        this.timeLimiters = timeLimiters;
        this.retries = retries;
        this.accountQueue = bulkheads.bulkhead(provider);
    }

    /** The Resilience4j instance name of a model's retry, breaker and call timeout. */
    public String instance(String model) {
        return provider + "-" + model;
    }

    /**
     * Creates each configured model's instances now, so their metrics exist before the first job,
     * and checks the lease: one shorter than a call would let a second worker take a job that is
     * still being sent.
     */
    public void prepare(Iterable<String> models, Duration lease, String leaseProperty) {
        for (var model : models) {
            breaker(model);
            if (lease.compareTo(longestCall(model).plusSeconds(10)) < 0) {
                throw new IllegalStateException(leaseProperty + " (" + lease + ") must exceed the longest call timeout of "
                        + model + " (" + longestCall(model) + ") by at least 10 s");
            }
        }
    }

    CircuitBreaker breaker(String model) {
        return breakers.circuitBreaker(instance(model));
    }

    TimeLimiter submitTimeout(String model) {
        return timeLimiters.timeLimiter(instance(model));
    }

    TimeLimiter fetchTimeout() {
        return timeLimiters.timeLimiter(provider + "-fetch");
    }

    Bulkhead accountQueue() {
        return accountQueue;
    }

    public int maxAttempts(String model) {
        return retryConfig(model).getMaxAttempts();
    }

    /**
     * How long to wait after failed attempt {@code attempt} (1-based): the retry's backoff, or the
     * provider's {@code retry_after} when that is longer.
     */
    public Duration backoff(String model, int attempt, ProviderFailure failure) {
        long millis = retryConfig(model).<Object>getIntervalBiFunction().apply(attempt, Either.left(failure));
        var wait = Duration.ofMillis(Math.max(0, millis));
        return failure.retryAfter() != null && failure.retryAfter().compareTo(wait) > 0 ? failure.retryAfter() : wait;
    }

    /** How long an open breaker stays open: parked jobs look again after that. */
    Duration parkFor(String model) {
        return Duration.ofMillis(breaker(model).getCircuitBreakerConfig().getWaitIntervalFunctionInOpenState().apply(1));
    }

    /** The longest a single call may take, to check the worker's lease against. */
    Duration longestCall(String model) {
        var submit = submitTimeout(model).getTimeLimiterConfig().getTimeoutDuration();
        var fetch = fetchTimeout().getTimeLimiterConfig().getTimeoutDuration();
        return submit.compareTo(fetch) > 0 ? submit : fetch;
    }

    private RetryConfig retryConfig(String model) {
        return retries.retry(instance(model)).getRetryConfig();
    }
}
