package com.desayre.cli;

import java.util.List;

/**
 * A job as {@code GET /api/jobs/{id}} and the SSE streams show it (the gateway's JobView); only what the CLI reads,
 * unknown fields are ignored so a newer server still works.
 */
record Job(String jobId, String kind, String status, String stage, Integer progress, String message, Error error,
           List<Media> media, Queue queue, Retry retry, String updatedAt) {

    record Error(String code, String message) {
    }

    record Media(String url, String mimeType, int width, int height, long bytes, Long durationMs) {
    }

    /** While WAITING: the place in the worker's line for the provider; position 1 is sent next. */
    record Queue(String model, String lane, int position, int ahead, Long etaSeconds) {
    }

    /** While RETRYING: attempt n of m. */
    record Retry(int attempt, int maxAttempts, String nextAttemptAt) {
    }

    boolean terminal() {
        return "COMPLETED".equals(status) || "FAILED".equals(status) || "CANCELLED".equals(status);
    }

    List<Media> mediaOrNone() {
        return media == null ? List.of() : media;
    }

    /** What a live line shows until the job's stream sent its first status. */
    static Job connecting(String jobId) {
        return new Job(jobId, null, "CONNECTING", null, null, null, null, List.of(), null, null, null);
    }
}
