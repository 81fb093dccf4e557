package com.desayre.contracts;

import java.time.Instant;
import java.util.UUID;

/** On {@link Topics#REQUESTED}: a job a user (or an integration) asked for. */
public record GenerationRequested(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        JobSpec spec) {

    public static final int SCHEMA_VERSION = 1;

    public static GenerationRequested of(String jobId, JobSpec spec) {
        return new GenerationRequested(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), spec);
    }
}
