package com.desayre.contracts;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * On {@link Topics#MEDIA_READY}: a provider finished; its outputs are references (temporary
 * provider URLs), never bytes.
 *
 * @param outputUrls        where to download each output, at once: provider URLs expire
 * @param providerRequestId the provider's own id for the job, for support and correlation
 * @param generationMillis  how long the provider took, from submit to result
 */
public record MediaReady(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        JobSpec spec,
        Route route,
        List<String> outputUrls,
        String providerRequestId,
        @Nullable Long seed,
        long generationMillis) {

    public static final int SCHEMA_VERSION = 1;

    public MediaReady {
        outputUrls = List.copyOf(outputUrls);
    }

    public static MediaReady of(String jobId, JobSpec spec, Route route, List<String> outputUrls,
                                String providerRequestId, Long seed, long generationMillis) {
        return new MediaReady(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec, route,
                outputUrls, providerRequestId, seed, generationMillis);
    }
}
