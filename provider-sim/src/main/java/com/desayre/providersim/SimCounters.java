package com.desayre.providersim;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
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
    /** ModelsLab submits that created a job, per {@code track_id} (DESAYRE sends its job id): 2 means billed twice. */
    final Map<String, AtomicInteger> submissionsByTrack = new ConcurrentHashMap<>();

    void submitted(String trackId) {
        submissions.incrementAndGet();
        if (trackId == null) {
            return;
        }
        if (submissionsByTrack.size() > MAX_TRACKED) {
            submissionsByTrack.clear();
        }
        submissionsByTrack.computeIfAbsent(trackId, t -> new AtomicInteger()).incrementAndGet();
    }
}
