package com.desayre.workerkit;

import java.time.Duration;

/**
 * A provider's clocks: how long a job may take and how often it is polled. Polling waits the
 * provider's {@code eta} clamped to [{@code pollMin}, {@code etaCap}], else {@code pollMin}
 * doubling per poll up to {@code pollMax}; never past the job's deadline.
 */
public interface JobTiming {

    /** How long a job of this model may stay unfinished before it fails. */
    Duration deadlineOf(String model);

    Duration pollMin();

    Duration pollMax();

    Duration etaCap();
}
