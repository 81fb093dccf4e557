package com.desayre.videoworker;

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
 * Reads {@code generation.video.requested} and only records each job in Postgres (SUBMITTING comes
 * later, from the dispatcher): the record is committed as soon as the job is safe there, never
 * held through a provider call. A redelivered record for a known job does nothing.
 */
@Component("generateVideo")
class AcceptVideoJobs implements Consumer<Message<EncodedJob>> {
    private final JobIntake intake;
    private final JobNotices notices;
    private final XaiSettings settings;

    AcceptVideoJobs(JobIntake intake, JobNotices notices, XaiSettings settings) {
        this.intake = intake;
        this.notices = notices;
        this.settings = settings;
    }

    @Override
    public void accept(Message<EncodedJob> message) {
        var job = message.getPayload();
        var spec = job.spec();
        if (spec.kind() != JobKind.VIDEO) {
            notices.failed(job, JobError.NOT_SUPPORTED, "The video worker makes videos, not " + spec.kind() + ".");
            return;
        }
        if (job.route() == null || job.route().model() == null || job.route().model().isBlank()) {
            notices.failed(job, JobError.NOT_SUPPORTED, "This job names no video model.");
            return;
        }
        if (spec.sourceMediaKey() != null && settings.sourceBaseUrl().isEmpty()) {
            notices.failed(job, JobError.NOT_SUPPORTED, "Image-to-video is not set up here: xAI needs a public URL "
                    + "for the source image (desayre.xai.source-base-url).");
            return;
        }
        var headers = message.getHeaders();
        intake.accept(job,
                headers.get(KafkaHeaders.RECEIVED_PARTITION, Integer.class),
                headers.get(KafkaHeaders.OFFSET, Long.class),
                headers.get(KafkaHeaders.RECEIVED_TIMESTAMP, Long.class));
    }
}
