package com.desayre.platform;

import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import java.nio.charset.StandardCharsets;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.messaging.support.MessageBuilder;

/**
 * Publishes job events keyed by job id, so one job's events stay ordered in one partition.
 * Producers are synchronous ({@code spring.cloud.stream.kafka.default.producer.sync}), so a
 * consumer that publishes and then returns has its output acknowledged before its input is committed.
 */
public final class JobEvents {
    /** The Kafka binder's message-key header ({@code KafkaHeaders.KEY}); the key serializer takes bytes. */
    static final String KAFKA_KEY = "kafka_messageKey";

    private final StreamBridge bridge;

    public JobEvents(StreamBridge bridge) {
        this.bridge = bridge;
    }

    public void send(String topic, String jobId, Object event) {
        send(topic, jobId, event, java.util.Map.of());
    }

    /**
     * Sends with extra Kafka headers, e.g. a worker's own dead-letter record with the binder's
     * {@code x-original-*} / {@code x-exception-*} failure headers. Give byte[] values to have them
     * written as they are (other values are JSON-encoded by the binder's header mapper).
     */
    public void send(String topic, String jobId, Object event, java.util.Map<String, ?> headers) {
        var message = MessageBuilder.withPayload(event)
                .copyHeaders(headers)
                .setHeader(KAFKA_KEY, jobId.getBytes(StandardCharsets.UTF_8))
                .build();
        if (!bridge.send(topic, message)) {
            throw new IllegalStateException("Kafka did not take the event for job " + jobId + " on " + topic);
        }
    }

    public void status(StatusChanged status) {
        send(Topics.STATUS, status.jobId(), status);
    }
}
