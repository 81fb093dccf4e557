package com.desayre.videoworker;

import com.desayre.contracts.ControlRequested;
import com.desayre.workerkit.JobIntake;
import java.util.function.Consumer;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.control} in the video-worker's own group: a CANCEL stops polling the
 * job (xAI has no cancel call: the video is finished there and billed, but nobody waits for it)
 * and ends it CANCELLED. Cancels of jobs this worker never had are remembered, in case the job
 * still arrives, and forgotten with the finished jobs.
 */
@Component("controlVideo")
class ControlVideoJobs implements Consumer<ControlRequested> {
    private final JobIntake intake;

    ControlVideoJobs(JobIntake intake) {
        this.intake = intake;
    }

    @Override
    public void accept(ControlRequested request) {
        intake.control(request);
    }
}
