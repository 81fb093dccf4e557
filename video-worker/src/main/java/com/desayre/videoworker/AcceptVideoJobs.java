package com.desayre.videoworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.workerkit.JobIntake;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.video.requested} a poll at a time and only records its jobs in Postgres, in one statement
 * ({@link JobIntake}; SUBMITTING comes later, from the dispatcher): the poll is committed as soon as its jobs are safe
 * there, never held through a provider call. A redelivered record for a known job does nothing.
 */
@Component("generateVideo")
class AcceptVideoJobs implements Consumer<Message<List<byte[]>>> {
    static final String BINDING = "generateVideo-in-0";

    private final JobIntake intake;
    private final XaiSettings settings;

    AcceptVideoJobs(JobIntake intake, XaiSettings settings) {
        this.intake = intake;
        this.settings = settings;
    }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        intake.accept(poll, this::refusal);
    }

    /** Why the video worker cannot run this job (it ends FAILED), or null. */
    private JobIntake.Refusal refusal(EncodedJob job) {
        var spec = job.spec();
        if (spec.kind() != JobKind.VIDEO) {
            return new JobIntake.Refusal(JobError.NOT_SUPPORTED, "The video worker makes videos, not " + spec.kind() + ".");
        }
        if (job.route() == null || job.route().model() == null || job.route().model().isBlank()) {
            return new JobIntake.Refusal(JobError.NOT_SUPPORTED, "This job names no video model.");
        }
        if (spec.sourceMediaKey() != null && settings.sourceBaseUrl().isEmpty()) {
            return new JobIntake.Refusal(JobError.NOT_SUPPORTED, "Image-to-video is not set up here: xAI needs a public URL "
                    + "for the source image (desayre.xai.source-base-url).");
        }
        return null;
    }
}
