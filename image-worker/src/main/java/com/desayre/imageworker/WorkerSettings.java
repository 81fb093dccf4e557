package com.desayre.imageworker;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code desayre.image-worker.*}: how the worker runs its in-flight jobs.
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
 */
@ConfigurationProperties("desayre.image-worker")
record WorkerSettings(Duration tick, int maxCalls, int claimBatch, Duration lease, Duration shutdownGrace,
                      Duration retention, boolean resubmitUnknownOutcome) {
}
