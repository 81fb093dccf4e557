package com.desayre.contracts;

import java.util.List;

/**
 * Kafka topic names: a public interface. Every record on every topic is keyed by the job id,
 * so one job's events stay ordered within a partition.
 */
public final class Topics {
    public static final String REQUESTED = "generation.requested";
    public static final String IMAGE_REQUESTED = "generation.image.requested";
    public static final String VIDEO_REQUESTED = "generation.video.requested";
    public static final String MEDIA_READY = "generation.media.ready";
    public static final String STATUS = "generation.status";
    public static final String CONTROL = "generation.control";
    /** The cost ledger ({@link CostIncurred}), keyed by job id: written by the workers, projected by storage-sink. */
    public static final String LEDGER = "generation.ledger";
    /**
     * Each worker instance's latest {@link WorkerHeartbeat}, keyed by instance id (not a job id):
     * compacted, and old instances' records expire, so it holds the workers alive lately.
     */
    public static final String WORKER_HEARTBEATS = "generation.worker.heartbeats";
    /**
     * Which lanes are paused ({@link LaneSwitched}), keyed by {@code <service>/<LANE>}: compacted and
     * kept forever, so a worker started later reads every switch from the beginning and obeys it.
     */
    public static final String LANE_SWITCHES = "generation.lane.switches";

    /**
     * Whether each user may have jobs run ({@link AccountChanged}), keyed by username: compacted and kept
     * forever, written by the gateway, read whole by prompt-encoder to check a job's owner.
     */
    public static final String ACCOUNTS = "generation.accounts";

    /** Topics that keep the latest record per key ({@code cleanup.policy=compact}), not a history. */
    public static final List<String> COMPACTED = List.of(WORKER_HEARTBEATS, LANE_SWITCHES, ACCOUNTS);

    /** How long the heartbeat topic keeps a record at all: an instance silent this long is forgotten. */
    public static final java.time.Duration HEARTBEAT_RETENTION = java.time.Duration.ofDays(1);
    /**
     * How often the heartbeat topic starts a new segment. Kafka compacts and deletes only closed
     * segments (by default a week long): without this a gateway starting up would read a week of
     * every instance's heartbeats, not an hour's.
     */
    public static final java.time.Duration HEARTBEAT_SEGMENT = java.time.Duration.ofHours(1);

    /** Input topics whose poison records the binder moves to {@code <topic>.dlq}. */
    public static final List<String> WITH_DLQ = List.of(REQUESTED, IMAGE_REQUESTED, VIDEO_REQUESTED, MEDIA_READY, LEDGER);

    /**
     * DLQs of storage-sink's projections, one per input it shares with another consumer group, so
     * replaying a record reaches only the projection that failed it.
     */
    public static final List<String> PROJECTION_DLQS = List.of("generation.status.storage-sink.dlq",
            "generation.requested.storage-sink.dlq", "generation.control.storage-sink.dlq");

    /**
     * DLQs of the workers' control bindings ({@code generation.control}, read by each worker's own group): a
     * cancel that can never be carried out is kept here rather than dropped.
     */
    public static final List<String> CONTROL_DLQS = List.of("generation.control.image-worker.dlq",
            "generation.control.video-worker.dlq");

    /**
     * The webhook dispatcher's DLQ on {@code generation.status} (its own group): a status it could not record
     * deliveries for (Postgres away for minutes, or unreadable) is kept for a replay rather than skipped.
     */
    public static final String WEBHOOKS_DLQ = "generation.status.webhook-dispatcher.dlq";

    /** Every topic DESAYRE uses, DLQs included: created up front so no producer races a leader election. */
    public static List<String> all() {
        var all = new java.util.ArrayList<>(List.of(REQUESTED, IMAGE_REQUESTED, VIDEO_REQUESTED, MEDIA_READY, STATUS, CONTROL, LEDGER));
        WITH_DLQ.forEach(topic -> all.add(dlq(topic)));
        all.addAll(PROJECTION_DLQS);
        all.addAll(CONTROL_DLQS);
        all.add(WEBHOOKS_DLQ);
        all.addAll(COMPACTED);
        return List.copyOf(all);
    }

    /**
     * The topic configuration a topic needs beyond the broker's defaults: compaction for
     * {@link #COMPACTED}, and for the heartbeats also a retention so gone instances disappear.
     */
    public static java.util.Map<String, String> config(String topic) {
        if (topic.equals(WORKER_HEARTBEATS)) {
            // hourly segments: compaction only cleans closed ones, and a reader starts from the beginning
            return java.util.Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(HEARTBEAT_RETENTION.toMillis()),
                    "segment.ms", String.valueOf(HEARTBEAT_SEGMENT.toMillis()));
        }
        return COMPACTED.contains(topic) ? java.util.Map.of("cleanup.policy", "compact") : java.util.Map.of();
    }

    public static String dlq(String topic) {
        return topic + ".dlq";
    }

    /** Every DLQ: {@code <topic>.dlq} of {@link #WITH_DLQ}, then {@link #PROJECTION_DLQS}, {@link #CONTROL_DLQS} and {@link #WEBHOOKS_DLQ}. */
    public static List<String> dlqs() {
        var all = new java.util.ArrayList<String>();
        WITH_DLQ.forEach(topic -> all.add(dlq(topic)));
        all.addAll(PROJECTION_DLQS);
        all.addAll(CONTROL_DLQS);
        all.add(WEBHOOKS_DLQ);
        return List.copyOf(all);
    }

    /**
     * The topic a DLQ's records failed on: {@code <topic>.dlq}, and a consumer group's own
     * {@code <topic>.<group>.dlq}, both come from {@code <topic>}.
     */
    public static String origin(String dlq) {
        var topic = dlq.substring(0, dlq.length() - ".dlq".length());
        String best = topic;
        for (var input : List.of(REQUESTED, IMAGE_REQUESTED, VIDEO_REQUESTED, MEDIA_READY, STATUS, CONTROL, LEDGER)) {
            if (topic.startsWith(input + ".") && (best.equals(topic) || input.length() > best.length())) {
                best = input;
            }
        }
        return best;
    }

    private Topics() {
    }
}
