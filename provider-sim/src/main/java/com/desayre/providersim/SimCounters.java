package com.desayre.providersim;

import java.util.concurrent.atomic.AtomicLong;

/** What the simulator has done, for tests to assert on. */
final class SimCounters {
    final AtomicLong submissions = new AtomicLong();
    final AtomicLong fetches = new AtomicLong();
    final AtomicLong downloads = new AtomicLong();
}
