package com.desayre.imageworker;

import com.desayre.contracts.ControlRequested;
import com.desayre.workerkit.JobIntake;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.control} in the image-worker's own group: a CANCEL stops polling the
 * job (ModelsLabs has no cancel call) and ends it CANCELLED; a cancel that arrives before its job
 * is remembered, so the job is never sent.
 */
@Component("controlImage")
class ControlImageJobs implements Consumer<ControlRequested> {
    private final JobIntake intake;

    ControlImageJobs(JobIntake intake) {
        this.intake = intake;
    }

    @Override
    public void accept(ControlRequested request) {
        intake.control(request);
    }
}
