package com.desayre.workerkit;

import java.time.Duration;

/**
 * {@code desayre.<worker>.*}: how a worker runs its in-flight jobs (bound by each worker under its own prefix).
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
public record WorkerSettings(Duration tick, int maxCalls, int claimBatch, Duration lease, Duration shutdownGrace,
                             Duration retention, boolean resubmitUnknownOutcome, Duration progressEvery,
                             double maxPollsPerSecond, Duration heartbeatEvery, Duration queueNoticeEvery) {

    public WorkerSettings {
        heartbeatEvery = heartbeatEvery == null || heartbeatEvery.isZero() || heartbeatEvery.isNegative()
                ? Duration.ofSeconds(5) : heartbeatEvery;
        queueNoticeEvery = queueNoticeEvery == null || queueNoticeEvery.isZero() || queueNoticeEvery.isNegative()
                ? Duration.ofSeconds(5) : queueNoticeEvery;
    }

    boolean tellsProgress() {
        return progressEvery != null && !progressEvery.isZero() && !progressEvery.isNegative();
    }
}
