package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.workerkit.JobIntake;
import java.util.List;
import java.util.function.Consumer;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.image.requested} a poll at a time and only records its jobs in Postgres, in one statement
 * ({@link JobIntake}): the poll is committed as soon as its jobs are safe there, never held through a provider call.
 * A redelivered record for a job already known does nothing, so no job is ever submitted twice because of Kafka.
 */
@Component("generateImage")
class AcceptImageJobs implements Consumer<Message<List<byte[]>>> {
    static final String BINDING = "generateImage-in-0";

    private final JobIntake intake;
    private final ModelsLabSettings settings;

    AcceptImageJobs(JobIntake intake, ModelsLabSettings settings) {
        this.intake = intake;
        this.settings = settings;
    }

    @Override
    public void accept(Message<List<byte[]>> poll) {
        intake.accept(poll, this::refusal);
    }

    /** Why the image worker cannot run this job (it ends FAILED), or null. */
    private JobIntake.Refusal refusal(EncodedJob job) {
        var kind = job.spec().kind();
        if (kind != JobKind.IMAGE && kind != JobKind.EDIT) {
            return new JobIntake.Refusal(JobError.NOT_SUPPORTED, "The image worker makes images and image edits, not " + kind + ".");
        }
        if (job.route() == null || job.route().model() == null || job.route().model().isBlank()) {
            return new JobIntake.Refusal(JobError.NOT_SUPPORTED, "This job names no image model.");
        }
        if (kind == JobKind.EDIT && (job.spec().sourceMediaKey() == null || job.spec().sourceMediaKey().isBlank())) {
            return new JobIntake.Refusal(JobError.PROVIDER_REJECTED, "An image edit needs a source image.");
        }
        if (kind == JobKind.EDIT && settings.sourceBaseUrl().isEmpty()) {
            return new JobIntake.Refusal(JobError.NOT_SUPPORTED, "Image edits are not set up here: the provider needs a public URL "
                    + "for the source image (desayre.modelslabs.source-base-url).");
        }
        return null;
    }
}
