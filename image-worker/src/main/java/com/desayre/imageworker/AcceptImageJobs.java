package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.workerkit.JobIntake;
import com.desayre.workerkit.JobNotices;
import java.util.function.Consumer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.image.requested} and only records each job in Postgres: the record is
 * committed as soon as the job is safe there, never held through a provider call. A redelivered
 * record for a job already known does nothing, so no job is ever submitted twice because of Kafka.
 */
@Component("generateImage")
class AcceptImageJobs implements Consumer<Message<EncodedJob>> {
    private final JobIntake intake;
    private final JobNotices notices;
    private final ModelsLabSettings settings;

    AcceptImageJobs(JobIntake intake, JobNotices notices, ModelsLabSettings settings) {
        this.intake = intake;
        this.notices = notices;
        this.settings = settings;
    }

    @Override
    public void accept(Message<EncodedJob> message) {
        var job = message.getPayload();
        var kind = job.spec().kind();
        if (kind != JobKind.IMAGE && kind != JobKind.EDIT) {
            notices.failed(job, JobError.NOT_SUPPORTED, "The image worker makes images and image edits, not " + kind + ".");
            return;
        }
        if (job.route() == null || job.route().model() == null || job.route().model().isBlank()) {
            notices.failed(job, JobError.NOT_SUPPORTED, "This job names no image model.");
            return;
        }
        if (kind == JobKind.EDIT && (job.spec().sourceMediaKey() == null || job.spec().sourceMediaKey().isBlank())) {
            notices.failed(job, JobError.PROVIDER_REJECTED, "An image edit needs a source image.");
            return;
        }
        if (kind == JobKind.EDIT && settings.sourceBaseUrl().isEmpty()) {
            notices.failed(job, JobError.NOT_SUPPORTED, "Image edits are not set up here: the provider needs a public URL "
                    + "for the source image (desayre.modelslabs.source-base-url).");
            return;
        }
        var headers = message.getHeaders();
        intake.accept(job,
                headers.get(KafkaHeaders.RECEIVED_PARTITION, Integer.class),
                headers.get(KafkaHeaders.OFFSET, Long.class),
                headers.get(KafkaHeaders.RECEIVED_TIMESTAMP, Long.class));
    }
}
