package com.desayre.providersim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ModelsLab's per-account queue: each API key may have only so many unfinished jobs; one more
 * submit answers 429 (docs/providers.md §1.8). A job that never finishes holds its place for ever.
 */
final class AccountQueues {
    private final Map<String, Deque<JobBook.Job>> unfinished = new ConcurrentHashMap<>();

    /** Whether {@code owner} has room for one more job now (a place is taken only by {@link #add}). */
    boolean tryEnter(String owner, int limit, long nowNanos) {
        Deque<JobBook.Job> queue = unfinished.computeIfAbsent(owner, o -> new ArrayDeque<>());
        synchronized (queue) {
            queue.removeIf(job -> job.isReady(nowNanos));
            return queue.size() < limit;
        }
    }

    void add(String owner, JobBook.Job job) {
        Deque<JobBook.Job> queue = unfinished.computeIfAbsent(owner, o -> new ArrayDeque<>());
        synchronized (queue) {
            queue.add(job);
        }
    }
}
