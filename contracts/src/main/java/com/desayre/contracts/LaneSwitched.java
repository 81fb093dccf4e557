package com.desayre.contracts;

import java.time.Instant;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * On {@link Topics#LANE_SWITCHES}, keyed by {@link #key(String, Priority)}: an admin paused or
 * resumed a lane of one worker service. While a lane is paused every instance of that service
 * keeps taking its jobs off Kafka (they wait, durable, in its own queue) but sends none of them
 * to the provider; jobs already at the provider are finished.
 *
 * @param service     the worker service, e.g. {@code image-worker}
 * @param paused      true to pause, false to resume
 * @param requestedBy who asked (a username, or {@code worker-secret} for automation)
 * @param reason      why, for whoever looks at the queues later; may be null
 */
public record LaneSwitched(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String service,
        Priority lane,
        boolean paused,
        String requestedBy,
        @Nullable String reason) {

    public static final int SCHEMA_VERSION = 1;

    public LaneSwitched {
        if (service == null || service.isBlank() || lane == null) {
            throw new IllegalArgumentException("a lane switch names its service and lane");
        }
    }

    public static LaneSwitched of(String service, Priority lane, boolean paused, String requestedBy, String reason) {
        return new LaneSwitched(SCHEMA_VERSION, UUID.randomUUID().toString(), Instant.now(), service, lane, paused,
                requestedBy, reason);
    }

    /** The record key: the latest switch per service and lane is what holds. */
    public static String key(String service, Priority lane) {
        return service + "/" + lane.name();
    }
}
