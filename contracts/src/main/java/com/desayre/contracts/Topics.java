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

    /** Input topics whose poison records the binder moves to {@code <topic>.dlq}. */
    public static final List<String> WITH_DLQ = List.of(REQUESTED, IMAGE_REQUESTED, VIDEO_REQUESTED, MEDIA_READY);

    /**
     * DLQs of storage-sink's projections, one per input it shares with another consumer group, so
     * replaying a record reaches only the projection that failed it.
     */
    public static final List<String> PROJECTION_DLQS = List.of("generation.status.storage-sink.dlq",
            "generation.requested.storage-sink.dlq", "generation.control.storage-sink.dlq");

    /** Every topic DESAYRE uses, DLQs included: created up front so no producer races a leader election. */
    public static List<String> all() {
        var all = new java.util.ArrayList<>(List.of(REQUESTED, IMAGE_REQUESTED, VIDEO_REQUESTED, MEDIA_READY, STATUS, CONTROL));
        WITH_DLQ.forEach(topic -> all.add(dlq(topic)));
        all.addAll(PROJECTION_DLQS);
        return List.copyOf(all);
    }

    public static String dlq(String topic) {
        return topic + ".dlq";
    }

    private Topics() {
    }
}
