package com.desayre.bench;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Start and end times of one run's jobs, and the in-flight limit. A job's end may be seen before
 * its start is registered (the HTTP answer can lose the race against the status topic), so a job
 * counts as done, and frees its slot, once both halves are known, whichever came first.
 */
final class JobTracker {
    private static final long UNSET = Long.MIN_VALUE;
    private static final int START = 0;
    private static final int END = 1;
    private static final int FLAGS = 2;
    private static final long SEEN_START = 1;
    private static final long SEEN_END = 2;
    private static final long BOTH = SEEN_START | SEEN_END;
    private static final long FAILED = 4;

    private final ConcurrentHashMap<String, long[]> jobs = new ConcurrentHashMap<>();
    private final Semaphore slots;
    private final AtomicInteger finished = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicLong lastEnd = new AtomicLong(UNSET);
    private final int expected;

    JobTracker(int expected, int maxInFlight) {
        this.expected = expected;
        this.slots = new Semaphore(maxInFlight);
    }

    /** Waits for a free slot until the deadline ({@link System#nanoTime()}); false when it passed. */
    boolean awaitSlot(long deadlineNanos) throws InterruptedException {
        return slots.tryAcquire(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    /** A submit that never became a job (refused or failed): its slot is free again. */
    void refused() {
        failed.incrementAndGet();
        finishedOne();
        slots.release();
    }

    void started(String jobId, long nanos) {
        record(jobId, START, nanos, false);
    }

    /** The job's end; {@code ok} false for a FAILED or CANCELLED job, which counts but has no latency. */
    void ended(String jobId, long nanos, boolean ok) {
        record(jobId, END, nanos, !ok);
    }

    private void record(String jobId, int half, long nanos, boolean failedEnd) {
        // {start, end, flags}: nanoTime can be any long, so "not seen yet" is a flag, not a value
        long[] times = jobs.computeIfAbsent(jobId, id -> new long[3]);
        boolean complete;
        synchronized (times) {
            long seen = half == START ? SEEN_START : SEEN_END;
            if ((times[FLAGS] & seen) != 0) {
                return; // a redelivered end
            }
            times[half] = nanos;
            times[FLAGS] |= seen | (failedEnd ? FAILED : 0);
            complete = (times[FLAGS] & BOTH) == BOTH;
        }
        if (complete) {
            if ((times[FLAGS] & FAILED) != 0) {
                failed.incrementAndGet();
            }
            lastEnd.accumulateAndGet(times[END], (a, b) -> a == UNSET ? b : Math.max(a, b));
            finishedOne();
            slots.release();
        }
    }

    private void finishedOne() {
        if (finished.incrementAndGet() >= expected) {
            synchronized (this) {
                notifyAll();
            }
        }
    }

    /** Waits until every expected job finished or the deadline passed; true when all finished. */
    synchronized boolean awaitAll(long deadlineNanos) throws InterruptedException {
        while (finished.get() < expected) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /** Latencies of the jobs that completed successfully. */
    long[] latencies() {
        return jobs.values().stream().filter(t -> {
            synchronized (t) {
                return t[FLAGS] == BOTH;
            }
        }).mapToLong(t -> t[END] - t[START]).toArray();
    }

    int failed() {
        return failed.get();
    }

    /** When the last job ended, or {@code fallback} if none did. */
    long lastEnd(long fallback) {
        long last = lastEnd.get();
        return last == UNSET ? fallback : last;
    }

    /** Counts this run's result: from {@code firstStart} to the last end, or to {@code stopped} if jobs are missing. */
    RunResult result(String name, long firstStart, long stopped, boolean allFinished) {
        long end = allFinished ? lastEnd(stopped) : stopped;
        return RunResult.of(name, expected, failed(), (end - firstStart) / 1e9, latencies());
    }
}
