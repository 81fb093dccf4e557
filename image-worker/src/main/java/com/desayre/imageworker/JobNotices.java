package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.JobEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;

/** What the worker tells the rest of DESAYRE: statuses, results, and its own dead letters. */
class JobNotices {
    static final String STAGE = "image-worker";
    static final String DLQ = Topics.dlq(Topics.IMAGE_REQUESTED);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private final JobEvents events;

    JobNotices(JobEvents events) {
        this.events = events;
    }

    void submitted(EncodedJob job, int attempt, int maxAttempts) {
        events.status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.SUBMITTED, STAGE, "Sent to " + job.route().model()
                + (attempt > 1 ? " (attempt " + attempt + " of " + maxAttempts + ")." : ".")));
    }

    void processing(EncodedJob job, double etaSeconds) {
        events.status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.PROCESSING, STAGE,
                "The model is working on it" + (etaSeconds > 0 ? " (about " + Math.max(1, Math.round(etaSeconds)) + " s)." : ".")));
    }

    void retrying(EncodedJob job, int attempt, int maxAttempts, Instant next, String why) {
        events.status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.RETRYING, STAGE, "Attempt " + attempt + " of "
                        + maxAttempts + " failed (" + why + "). Next try at " + CLOCK.format(next) + ".")
                .withRetry(new StatusChanged.RetryInfo(attempt, maxAttempts, next)));
    }

    void parked(EncodedJob job, int attempt, int maxAttempts, Instant next) {
        events.status(StatusChanged.of(job.jobId(), job.spec(), JobStatus.RETRYING, STAGE, "ModelsLabs is failing right now; "
                        + "your job waits until it recovers (next look at " + CLOCK.format(next) + ").")
                .withRetry(new StatusChanged.RetryInfo(attempt, maxAttempts, next)));
    }

    void mediaReady(EncodedJob job, ModelsLabAnswer answer, long generationMillis) {
        var seed = answer.seed() != null ? answer.seed() : job.spec().seed();
        events.send(Topics.MEDIA_READY, job.jobId(),
                MediaReady.of(job.jobId(), job.spec(), job.route(), answer.outputs(), answer.id(), seed, generationMillis));
    }

    void failed(EncodedJob job, String code, String message) {
        events.status(StatusChanged.failed(job.jobId(), job.spec(), STAGE, new JobError(code, message)));
    }

    /**
     * The job's record on {@code generation.image.requested.dlq}, with the binder's failure headers
     * ({@code x-original-*} in its binary encoding, {@code x-exception-*}) so one replay tool reads
     * both, plus DESAYRE's failure class and attempt count.
     */
    void deadLetter(JobRow row, ProviderFailure failure, int attempts) {
        var headers = new LinkedHashMap<String, Object>();
        headers.put("x-original-topic", bytes(Topics.IMAGE_REQUESTED));
        if (row.sourcePartition() != null) {
            headers.put("x-original-partition", ByteBuffer.allocate(Integer.BYTES).putInt(row.sourcePartition()).array());
        }
        if (row.sourceOffset() != null) {
            headers.put("x-original-offset", ByteBuffer.allocate(Long.BYTES).putLong(row.sourceOffset()).array());
        }
        if (row.sourceTimestamp() != null) {
            headers.put("x-original-timestamp", ByteBuffer.allocate(Long.BYTES).putLong(row.sourceTimestamp()).array());
        }
        headers.put("x-exception-fqcn", bytes(ProviderFailure.class.getName()));
        headers.put("x-exception-message", bytes(failure.getMessage()));
        headers.put("x-desayre-failure-class", bytes(failure.failureClass().name()));
        headers.put("x-desayre-attempts", bytes(Integer.toString(attempts)));
        headers.put("x-desayre-stage", bytes(STAGE));
        events.send(DLQ, row.jobId(), row.job(), headers);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
