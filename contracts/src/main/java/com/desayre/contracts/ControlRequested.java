package com.desayre.contracts;

import java.time.Instant;
import java.util.UUID;

/**
 * On {@link Topics#CONTROL}: someone asked to stop or remove a job. Workers stop a cancelled
 * job; storage-sink discards a cancelled job's late result, and deletes a deleted job's objects.
 *
 * @param requestedBy the user who asked
 */
public record ControlRequested(
        int schemaVersion,
        String eventId,
        String jobId,
        Instant occurredAt,
        Action action,
        String ownerId,
        String requestedBy) {

    public static final int SCHEMA_VERSION = 1;

    public enum Action {
        /** Stop work on the job; it ends CANCELLED. */
        CANCEL,
        /** Remove the job from its owner's history and delete its stored media. */
        DELETE
    }

    public static ControlRequested of(String jobId, Action action, String ownerId, String requestedBy) {
        return new ControlRequested(SCHEMA_VERSION, UUID.randomUUID().toString(), jobId, Instant.now(), action, ownerId,
                requestedBy);
    }
}
