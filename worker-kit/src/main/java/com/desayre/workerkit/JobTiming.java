package com.desayre.workerkit;

import java.time.Duration;

/**
 * A provider's clocks: how long a job usually takes, how long the provider keeps it, and how often
 * it is polled. Polling waits the provider's {@code eta} clamped to [{@code pollMin}, {@code etaCap}],
 * else {@code pollMin} doubling per poll up to {@code pollMax}; never past the job's deadline, and
 * {@code pollMax} once the deadline has passed.
 */
public interface JobTiming {

    /**
     * How long a job of this model may take at the provider, counted from when the provider took it
     * (waiting in DESAYRE's line never counts). Past it the user is told the job is late, and it is
     * polled on, slowly: it is never abandoned while the provider may still deliver it.
     */
    Duration deadlineOf(String model);

    /**
     * How long the provider keeps a job and its result after taking it (ModelsLabs 24 h, xAI about an
     * hour: docs/providers.md §1.1, §2.3). Past it polling stops and the job ends FAILED / PROVIDER_EXPIRED.
     */
    Duration providerRetention();

    Duration pollMin();

    Duration pollMax();

    Duration etaCap();
}
