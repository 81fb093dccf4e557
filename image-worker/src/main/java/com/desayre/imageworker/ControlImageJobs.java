package com.desayre.imageworker;

import com.desayre.workerkit.JobControls;
import com.desayre.workerkit.JobIntake;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.control} in the image-worker's own group: a CANCEL stops polling the
 * job (ModelsLabs has no cancel call) and ends it CANCELLED; a cancel that arrives before its job
 * is remembered, so the job is never sent.
 * A database that is away is waited out ({@link JobControls}).
 */
@Component("controlImage")
class ControlImageJobs extends JobControls {
    ControlImageJobs(JobIntake intake) {
        super(intake);
    }
}
