package com.desayre.providersim;

import java.util.concurrent.atomic.AtomicLong;

/** What the simulator has done, for tests to assert on. */
final class SimCounters {
    /** Every request to a submit endpoint, whatever came of it. */
    final AtomicLong submitRequests = new AtomicLong();
    /** Submits that created a job (the ones a provider bills). */
    final AtomicLong submissions = new AtomicLong();
    /** Submits answered 429 because the key's queue was full. */
    final AtomicLong queueFull = new AtomicLong();
    final AtomicLong fetches = new AtomicLong();
    final AtomicLong downloads = new AtomicLong();
}
