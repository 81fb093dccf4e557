package com.desayre.gateway.jobs;

import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.PromptEncoding;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.costs.JobCost;
import com.desayre.gateway.history.MediaUrls;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/**
 * A job as the API shows it: its latest status and, when done, its media. {@code encoding} is
 * set on the ENCODED event: what was sent to the model; {@code retry} on RETRYING: attempt n of m, next try;
 * {@code queue} while WAITING: the job's place in its worker's line for the provider (position, jobs ahead,
 * a rough ETA in seconds, model and lane), updated as the line moves.
 */
record JobView(String jobId, String kind, String status, @Schema(nullable = true) String stage,
               @Schema(nullable = true) Integer progress, @Schema(nullable = true) String message,
               @Schema(nullable = true, description = "Why the job FAILED (a stable code and a sentence)") JobError error,
               List<Media> media, @Schema(nullable = true, description = "Set from ENCODED on: what was sent to the model")
               PromptEncoding encoding, @Schema(nullable = true, description = "While RETRYING") StatusChanged.RetryInfo retry,
               @Schema(nullable = true, description = "While WAITING: the place in line") StatusChanged.QueueInfo queue,
               Instant updatedAt,
               @Schema(nullable = true, description = "What the job cost, from the cost ledger (GET /api/jobs/{id} only; null in "
                       + "events)") JobCost cost,
               @Schema(nullable = true, description = "The job's trace id (W3C Trace Context, 32 hex digits): every Kafka "
                       + "record, provider call and log line of the job carries it (GET /api/jobs/{id} only; null in events, "
                       + "and for a job whose request carried none)") String traceId) {

    /**
     * @param thumbnailUrl a web-sized JPEG for galleries, or null
     * @param durationMs   a video's length, null for images
     */
    record Media(String url, @Schema(nullable = true) String thumbnailUrl, String mimeType, int width, int height, long bytes,
                 @Schema(nullable = true) Long durationMs) {
    }

    static JobView of(StatusChanged status, MediaUrls urls) {
        var media = status.media().stream()
                .map(m -> new Media(urls.url(m.key()), m.thumbnailKey() == null ? null : urls.url(m.thumbnailKey()),
                        m.mimeType(), m.width(), m.height(), m.bytes(), m.durationMillis()))
                .toList();
        return new JobView(status.jobId(), status.kind().name(), status.status().name(), status.stage(),
                status.progress(), status.message(), status.error(), media, status.encoding(), status.retry(),
                status.status() == JobStatus.WAITING ? status.queue() : null, status.occurredAt(), null, null);
    }

    JobView withCost(JobCost cost) {
        return new JobView(jobId, kind, status, stage, progress, message, error, media, encoding, retry, queue, updatedAt, cost,
                traceId);
    }

    JobView withTraceId(String traceId) {
        return new JobView(jobId, kind, status, stage, progress, message, error, media, encoding, retry, queue, updatedAt, cost,
                traceId);
    }
}
