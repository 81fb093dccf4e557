package com.desayre.contracts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * On {@link Topics#WORKER_HEARTBEATS}, keyed by {@code instanceId}: what one running worker
 * instance says about itself every few seconds. Readers keep the latest per instance and treat
 * one not heard from for a few {@code everyMillis} as stale. A clean stop sends {@code stopping = true}.
 *
 * @param instanceId   this process's id, e.g. {@code image-worker-3f2a…} (its leases in Postgres name it too)
 * @param service      the worker service, e.g. {@code image-worker}
 * @param provider     the provider id, e.g. {@code modelslabs}
 * @param everyMillis  how often the instance sends a heartbeat, in milliseconds
 * @param stepsRunning job steps (a submit or a poll) this instance is running now
 * @param atProvider   jobs this instance holds a place for in the provider's queue (submitted, not finished)
 * @param providerQueueFree places still free in that queue, for this instance
 * @param waiting      jobs waiting to be sent, per lane, for the whole service (its shared Postgres queue)
 * @param open         jobs not finished, per model, for the whole service
 * @param pausedLanes  the lanes this instance is holding back
 * @param lanesKnown   false until the instance has read every lane switch: until then it sends nothing new
 * @param breakers     one per model
 * @param stopping     true in the last heartbeat of an instance that stops cleanly
 */
public record WorkerHeartbeat(
        int schemaVersion,
        String eventId,
        Instant occurredAt,
        String instanceId,
        String service,
        String provider,
        long everyMillis,
        int stepsRunning,
        int atProvider,
        int providerQueueFree,
        Map<Priority, Long> waiting,
        Map<String, Long> open,
        List<Priority> pausedLanes,
        boolean lanesKnown,
        List<Breaker> breakers,
        boolean stopping) {

    public static final int SCHEMA_VERSION = 1;

    public WorkerHeartbeat {
        waiting = waiting == null ? Map.of() : Map.copyOf(waiting);
        open = open == null ? Map.of() : Map.copyOf(open);
        pausedLanes = pausedLanes == null ? List.of() : List.copyOf(pausedLanes);
        breakers = breakers == null ? List.of() : List.copyOf(breakers);
    }

    public static WorkerHeartbeat of(String instanceId, String service, String provider, Duration every, int stepsRunning,
                                     int atProvider, int providerQueueFree, Map<Priority, Long> waiting, Map<String, Long> open,
                                     List<Priority> pausedLanes, boolean lanesKnown, List<Breaker> breakers, boolean stopping) {
        return new WorkerHeartbeat(SCHEMA_VERSION, UUID.randomUUID().toString(), Instant.now(), instanceId, service, provider,
                every.toMillis(), stepsRunning, atProvider, providerQueueFree, waiting, open, pausedLanes, lanesKnown, breakers, stopping);
    }

    /**
     * One model's circuit breaker as the instance sees it.
     *
     * @param instance    the Resilience4j instance, e.g. {@code modelslabs-nano-banana-pro}
     * @param state       {@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}, … (Resilience4j's names)
     * @param failureRate percent of failed calls in the window, or -1 while too few calls were made
     * @param calls       calls in the window
     * @param notPermitted calls refused while open, since the instance started
     */
    public record Breaker(String model, String instance, String state, float failureRate, int calls, long notPermitted) {
    }
}
