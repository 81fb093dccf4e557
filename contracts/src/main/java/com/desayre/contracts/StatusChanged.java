package com.desayre.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * On {@link Topics#STATUS}: a job moved. Every stage publishes these; the gateway fans them out
 * to SSE and the Redis cache, storage-sink projects them into Postgres.
 *
 * @param stage    the service that published it, e.g. {@code image-worker}
 * @param progress 0–100 where known, else null
 * @param message  a short human sentence about this step
 * @param error    set when {@code status} is FAILED
 * @param media    set when {@code status} is COMPLETED
 * @param encoding set on ENCODED: what will be sent to the model
 * @param retry    set on RETRYING: which attempt failed and when the next one starts (absent in older events)
 * @param queue    set on WAITING: where the job stands in its worker's line for the provider (absent in older events)
 */
public record StatusChanged(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        String ownerId,
        JobKind kind,
        JobStatus status,
        String stage,
        @Nullable Integer progress,
        String message,
        @Nullable JobError error,
        List<StoredMedia> media,
        @Nullable PromptEncoding encoding,
        @Nullable RetryInfo retry,
        @Nullable QueueInfo queue) {

    public static final int SCHEMA_VERSION = 1;
    /** The message of a job someone cancelled, whichever stage says it first (the gateway, or the worker that held it). */
    public static final String CANCELLED_ON_REQUEST = "Cancelled at your request.";

    public StatusChanged {
        media = media == null ? List.of() : List.copyOf(media);
    }

    public static StatusChanged of(String jobId, JobSpec spec, JobStatus status, String stage, String message) {
        return of(jobId, spec.ownerId(), spec.kind(), status, stage, message);
    }

    /** A status for a job known by its owner and kind, e.g. one the gateway cancels. */
    public static StatusChanged of(String jobId, String ownerId, JobKind kind, JobStatus status, String stage, String message) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), ownerId, kind, status,
                stage, null, message, null, List.of(), null, null, null);
    }

    public static StatusChanged failed(String jobId, JobSpec spec, String stage, JobError error) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec.ownerId(),
                spec.kind(), JobStatus.FAILED, stage, null, error.message(), error, List.of(), null, null, null);
    }

    /** A job that failed before it had a usable spec, e.g. a refused request record: known by its owner and kind only. */
    public static StatusChanged failed(String jobId, String ownerId, JobKind kind, String stage, JobError error) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), ownerId, kind,
                JobStatus.FAILED, stage, null, error.message(), error, List.of(), null, null, null);
    }

    public static StatusChanged completed(String jobId, JobSpec spec, String stage, List<StoredMedia> media) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec.ownerId(),
                spec.kind(), JobStatus.COMPLETED, stage, 100, "Your media is ready.", null, media, null, null, null);
    }

    public StatusChanged withProgress(int percent) {
        return new StatusChanged(schemaVersion, eventId, jobId, occurredAt, ownerId, kind, status, stage, percent,
                message, error, media, encoding, retry, queue);
    }

    public StatusChanged withEncoding(PromptEncoding promptEncoding) {
        return new StatusChanged(schemaVersion, eventId, jobId, occurredAt, ownerId, kind, status, stage, progress,
                message, error, media, promptEncoding, retry, queue);
    }

    public StatusChanged withRetry(RetryInfo retryInfo) {
        return new StatusChanged(schemaVersion, eventId, jobId, occurredAt, ownerId, kind, status, stage, progress,
                message, error, media, encoding, retryInfo, queue);
    }

    public StatusChanged withQueue(QueueInfo queueInfo) {
        return new StatusChanged(schemaVersion, eventId, jobId, occurredAt, ownerId, kind, status, stage, progress,
                message, error, media, encoding, retry, queueInfo);
    }

    /**
     * Where a waiting job stands in its worker's line for a place in the provider's queue.
     *
     * @param model      the model the line is for
     * @param lane       the lane the job waits in (interactive jobs are sent before batch ones)
     * @param position   1 for the job sent next
     * @param ahead      jobs that will be sent before this one ({@code position - 1})
     * @param etaSeconds roughly when it will be sent, from how fast the provider has been finishing
     *                   jobs lately; null while nothing is known of that
     */
    public record QueueInfo(String model, Priority lane, int position, int ahead, @Nullable Long etaSeconds) {
    }

    /**
     * A worker's retry of a job, for people watching it.
     *
     * @param attempt       the attempt that just failed, from 1
     * @param maxAttempts   how many attempts the job gets in all
     * @param nextAttemptAt when the next attempt starts, or null when the job waits for the provider to recover
     */
    public record RetryInfo(int attempt, int maxAttempts, @Nullable Instant nextAttemptAt) {
    }
}
