package com.desayre.embedded;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** A bounded wait for a server to reach a state; launchers poll with it instead of waiting forever. */
final class Deadline {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long endNanos;

    private Deadline(Duration timeout) {
        this.endNanos = System.nanoTime() + timeout.toNanos();
    }

    static Deadline in(Duration timeout) {
        return new Deadline(timeout);
    }

    boolean expired() {
        return System.nanoTime() - endNanos > 0;
    }

    Duration remaining() {
        return Duration.ofNanos(Math.max(0, endNanos - System.nanoTime()));
    }

    /** Pauses briefly between two polls; fails if the calling thread is interrupted. */
    void pause() {
        LockSupport.parkNanos(POLL_NANOS);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a server");
        }
    }
}
