package com.desayre.bench;

import java.util.concurrent.locks.LockSupport;

/**
 * When each job of a run starts. Closed loop ({@code rate} 0): as soon as one of {@code maxInFlight} slots is free.
 * Open loop: job {@code i} is due at {@code first + i / rate} whatever is still in flight, and its latency counts from
 * then, so a sender that falls behind cannot hide queueing (no coordinated omission).
 */
record Pace(int maxInFlight, int rate) {

    static Pace closed(int maxInFlight) {
        return new Pace(maxInFlight, 0);
    }

    /** {@code rate} jobs per second; every one of {@code jobs} may be in flight. */
    static Pace open(int rate, int jobs) {
        return new Pace(jobs, rate);
    }

    Pace {
        if (maxInFlight <= 0 || rate < 0) {
            throw new IllegalArgumentException("maxInFlight must be > 0 and rate >= 0: " + maxInFlight + ", " + rate);
        }
    }

    /** Job {@code i}'s start in {@link System#nanoTime()}: now (closed loop), or when it is due, after waiting for it. */
    long startOf(long first, int i) {
        if (rate == 0) {
            return System.nanoTime();
        }
        long due = first + Math.round(i * 1e9 / rate);
        for (long left = due - System.nanoTime(); left > 0; left = due - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        return due;
    }

    /** How the run is paced, for the report. */
    String describe() {
        return rate == 0 ? maxInFlight + " in flight" : rate + " jobs/s offered";
    }
}
