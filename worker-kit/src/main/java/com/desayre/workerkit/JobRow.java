package com.desayre.workerkit;

import com.desayre.contracts.EncodedJob;

/**
 * One in-flight job as a worker keeps it in Postgres, claimed for one step.
 *
 * @param attempts      submits sent so far
 * @param polls         polls made so far
 * @param parked        waiting for an open circuit breaker (told to the user once)
 * @param providerId    the provider's id for the job, kept the moment it was known
 * @param pollUrl       where the provider said to poll, or empty
 * @param overdue       its provider deadline has passed (it has one only once the provider took the job)
 * @param remainingMs   time left until the deadline; {@link Long#MAX_VALUE} while it has none
 * @param ageMs         time since the worker accepted the job
 * @param progress      the provider's last percentage told to the user, or null
 * @param sinceNoticeMs time since the user was last told how the job is doing
 * @param laterLinks    where the provider said the outputs would be ({@link ProviderAnswer#laterLinks()}), or empty
 * @param workingMs     time since the provider took the job (since the worker accepted it, before)
 * @param pastRetention the provider keeps no result of it any more ({@code provider-retention} after it took it)
 * @param lateTold      the user was told it takes longer than usual
 * @param traceParent   the job's trace ({@code traceparent} of the record that brought it), made current for its steps; or null
 */
public record JobRow(EncodedJob job, JobState state, int attempts, int polls, boolean parked, String providerId, String pollUrl,
                     boolean overdue, long remainingMs, long ageMs, Integer sourcePartition, Long sourceOffset,
                     Long sourceTimestamp, Integer progress, long sinceNoticeMs, java.util.List<String> laterLinks,
                     long workingMs, boolean pastRetention, boolean lateTold, String traceParent) {

    public JobRow {
        laterLinks = laterLinks == null ? java.util.List.of() : java.util.List.copyOf(laterLinks);
    }

    /** A row as a provider client's tests make one: taken by the provider {@code ageMs} ago, on time. */
    public JobRow(EncodedJob job, JobState state, int attempts, int polls, boolean parked, String providerId, String pollUrl,
                  boolean overdue, long remainingMs, long ageMs, Integer sourcePartition, Long sourceOffset,
                  Long sourceTimestamp, Integer progress, long sinceNoticeMs, java.util.List<String> laterLinks) {
        this(job, state, attempts, polls, parked, providerId, pollUrl, overdue, remainingMs, ageMs, sourcePartition, sourceOffset,
                sourceTimestamp, progress, sinceNoticeMs, laterLinks, ageMs, false, false, null);
    }

    public String jobId() {
        return job.jobId();
    }

    public String model() {
        return job.route().model();
    }

    public enum JobState {
        /** Not sent to the provider yet (or a retry is due). */
        QUEUED,
        /** A submit is under way: if the worker dies now, the outcome is unknown. */
        SUBMITTING,
        /** The provider holds the job ({@code providerId}); it is polled. */
        POLLING,
        DONE,
        FAILED,
        /** Someone cancelled it: never advanced again. */
        CANCELLED
    }
}
