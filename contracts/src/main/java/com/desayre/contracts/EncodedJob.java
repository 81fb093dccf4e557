package com.desayre.contracts;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * On {@link Topics#IMAGE_REQUESTED} and {@link Topics#VIDEO_REQUESTED}: a job with its prompt
 * encoded for the model the router chose.
 */
public record EncodedJob(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        JobSpec spec,
        Route route,
        String encodedPrompt,
        @Nullable String negativePrompt,
        String encoderVersion) {

    public static final int SCHEMA_VERSION = 1;

    public static EncodedJob of(String jobId, JobSpec spec, Route route, String encodedPrompt,
                                String negativePrompt, String encoderVersion) {
        return new EncodedJob(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec, route,
                encodedPrompt, negativePrompt, encoderVersion);
    }
}
