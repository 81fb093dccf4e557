package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;

/**
 * One in-flight job as the worker keeps it in Postgres, claimed for one step.
 *
 * @param attempts    submits sent so far
 * @param polls       polls made so far
 * @param parked      waiting for an open circuit breaker (told to the user once)
 * @param overdue     its deadline has passed
 * @param remainingMs time left until the deadline
 * @param ageMs       time since the worker accepted the job
 */
record JobRow(EncodedJob job, JobState state, int attempts, int polls, boolean parked, String providerId, String fetchUrl,
              boolean overdue, long remainingMs, long ageMs, Integer sourcePartition, Long sourceOffset, Long sourceTimestamp) {

    String jobId() {
        return job.jobId();
    }

    String model() {
        return job.route().model();
    }

    enum JobState {
        /** Not sent to the provider yet (or a retry is due). */
        QUEUED,
        /** A submit is under way: if the worker dies now, the outcome is unknown. */
        SUBMITTING,
        /** The provider holds the job ({@code providerId}); it is polled. */
        POLLING,
        DONE,
        FAILED
    }
}
