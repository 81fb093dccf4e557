package com.desayre.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * On {@link Topics#STATUS}: a job moved. Every stage publishes these; the gateway fans them out
 * to SSE and the Redis cache, storage-sink projects them into Postgres.
 *
 * @param stage    the service that published it, e.g. {@code image-worker}
 * @param progress 0–100 where known, else null
 * @param message  a short human sentence about this step
 * @param error    set when {@code status} is FAILED
 * @param media    set when {@code status} is COMPLETED
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
        Integer progress,
        String message,
        JobError error,
        List<StoredMedia> media) {

    public static final int SCHEMA_VERSION = 1;

    public StatusChanged {
        media = media == null ? List.of() : List.copyOf(media);
    }

    public static StatusChanged of(String jobId, JobSpec spec, JobStatus status, String stage, String message) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec.ownerId(),
                spec.kind(), status, stage, null, message, null, List.of());
    }

    public static StatusChanged failed(String jobId, JobSpec spec, String stage, JobError error) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec.ownerId(),
                spec.kind(), JobStatus.FAILED, stage, null, error.message(), error, List.of());
    }

    public static StatusChanged completed(String jobId, JobSpec spec, String stage, List<StoredMedia> media) {
        return new StatusChanged(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec.ownerId(),
                spec.kind(), JobStatus.COMPLETED, stage, 100, "Your media is ready.", null, media);
    }

    public StatusChanged withProgress(int percent) {
        return new StatusChanged(schemaVersion, eventId, jobId, occurredAt, ownerId, kind, status, stage, percent,
                message, error, media);
    }
}
