package com.desayre.providersim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the simulator has done, for tests to assert on. */
final class SimCounters {
    /** Beyond this many tracked jobs the per-job counts start over: a long-running simulator must not grow for ever. */
    static final int MAX_TRACKED = 200_000;

    /** Every request to a submit endpoint, whatever came of it. */
    final AtomicLong submitRequests = new AtomicLong();
    /** Submits that created a job (the ones a provider bills). */
    final AtomicLong submissions = new AtomicLong();
    /** Submits answered 429 because the key's queue was full. */
    final AtomicLong queueFull = new AtomicLong();
    final AtomicLong fetches = new AtomicLong();
    final AtomicLong downloads = new AtomicLong();
    /**
     * Jobs created per client job: ModelsLab's {@code track_id} (DESAYRE sends its job id). A job billed twice shows as 2.
     */
    private final Map<String, AtomicLong> submissionsByJob = new ConcurrentHashMap<>();

    /** A submit created a job; {@code clientJob} names it for {@link #submissionsOf}, or is null. */
    void submitted(String clientJob) {
        submissions.incrementAndGet();
        if (clientJob == null || clientJob.isBlank()) {
            return;
        }
        if (submissionsByJob.size() > MAX_TRACKED) {
            submissionsByJob.clear();
        }
        submissionsByJob.computeIfAbsent(clientJob, k -> new AtomicLong()).incrementAndGet();
    }

    long submissionsOf(String clientJob) {
        var count = submissionsByJob.get(clientJob);
        return count == null ? 0 : count.get();
    }
}
