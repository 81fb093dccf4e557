package com.desayre.workerkit;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Duration;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.validation.ValidationBindHandler;
import org.springframework.core.env.Environment;
import org.springframework.validation.beanvalidation.SpringValidatorAdapter;

/**
 * {@code desayre.<worker>.*}: how a worker runs its in-flight jobs (bound by each worker under its own prefix, and
 * checked: a bad value fails start-up naming the property, see {@link #bind}).
 *
 * @param tick                   how often due jobs are looked for (a new job is started at once anyway)
 * @param maxCalls               provider calls in flight at once from this worker (bounds memory, not the provider's queue)
 * @param claimBatch             due jobs taken per look
 * @param lease                  how long a worker owns a job while one call runs; longer than any call timeout
 * @param shutdownGrace          how long a stopping worker lets running calls finish
 * @param retention              how long finished jobs are kept (a redelivered record for one of them does nothing)
 * @param resubmitUnknownOutcome whether a submit whose outcome is unknown (timeout, reset, garbled answer,
 *                               a crash mid-call) may be sent again: true retries (the provider may bill twice),
 *                               false fails the job with SUBMISSION_UNKNOWN
 * @param progressEvery          how often a job being polled tells its progress (PROCESSING with elapsed time and
 *                               the provider's percentage); null or zero = only once, when the provider takes it
 * @param maxPollsPerSecond      the most polls per second this worker puts on the provider, whatever the number of
 *                               jobs: the wait between two polls of a job grows with the jobs open; 0 = no limit
 * @param heartbeatEvery         how often the instance sends its heartbeat to the gateway (default 5 s)
 * @param queueNoticeEvery       a job waiting for a place at the provider is told its new place (WAITING) at most this
 *                               often (default 5 s; far back in a long line, 6 times less often unless it moved a tenth)
 */
public record WorkerSettings(@NotNull @DurationMin(millis = 1) Duration tick, @Positive int maxCalls, @Positive int claimBatch,
                             @NotNull @DurationMin(seconds = 1) Duration lease, @NotNull @DurationMin(millis = 0) Duration shutdownGrace,
                             @NotNull @DurationMin(seconds = 1) Duration retention, boolean resubmitUnknownOutcome,
                             @DurationMin(millis = 0) Duration progressEvery, @PositiveOrZero double maxPollsPerSecond,
                             @DurationMin(millis = 1) Duration heartbeatEvery, @DurationMin(millis = 1) Duration queueNoticeEvery) {

    public WorkerSettings {
        heartbeatEvery = heartbeatEvery == null ? Duration.ofSeconds(5) : heartbeatEvery;
        queueNoticeEvery = queueNoticeEvery == null ? Duration.ofSeconds(5) : queueNoticeEvery;
    }

    /**
     * Binds {@code desayre.<stage>.*} and validates it as {@code @Validated} settings are: the prefix is the worker's
     * own, so the class cannot carry it in {@code @ConfigurationProperties}.
     */
    static WorkerSettings bind(Environment environment, String stage, jakarta.validation.Validator validator) {
        return Binder.get(environment).bindOrCreate("desayre." + stage, Bindable.of(WorkerSettings.class),
                new ValidationBindHandler(new SpringValidatorAdapter(validator)));
    }

    boolean tellsProgress() {
        return progressEvery != null && !progressEvery.isZero() && !progressEvery.isNegative();
    }
}
