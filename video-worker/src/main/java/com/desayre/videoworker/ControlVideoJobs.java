package com.desayre.videoworker;

import com.desayre.workerkit.JobControls;
import com.desayre.workerkit.JobIntake;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.control} in the video-worker's own group: a CANCEL stops polling the
 * job (xAI has no cancel call: the video is finished there and billed, but nobody waits for it)
 * and ends it CANCELLED. Cancels of jobs this worker never had are remembered, in case the job
 * still arrives, and forgotten with the finished jobs.
 * A database that is away is waited out ({@link JobControls}).
 */
@Component("controlVideo")
class ControlVideoJobs extends JobControls {
    ControlVideoJobs(JobIntake intake) {
        super(intake);
    }
}
