package com.desayre.workerkit;

import com.desayre.contracts.ControlRequested;
import com.desayre.platform.DatabaseOutages;
import java.util.function.Consumer;

/**
 * A worker's reader of {@code generation.control} (each worker's control consumer is one of these, in its own group):
 * hands each cancel to {@link JobIntake#control}, waiting out a database that is away however long it takes, as the
 * intake does for new jobs. Before, the binding gave up after five tries in about 12 s and dead-lettered a valid
 * cancel, so a longer PostgreSQL outage (a failover, {@code ./desayre chaos}'s 30 s) left a cancelled job running. Any
 * other failure is the binding's as before: retried, and a record that can never succeed dead-lettered at once.
 */
public class JobControls implements Consumer<ControlRequested> {
    private final JobIntake intake;

    public JobControls(JobIntake intake) {
        this.intake = intake;
    }

    @Override
    public void accept(ControlRequested request) {
        DatabaseOutages.waitOut("the " + request.action() + " of job " + request.jobId() + " waits to be recorded", () -> {
            intake.control(request);
            return null;
        });
    }
}
