package com.desayre.gateway.jobs;

import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.contracts.UnusableRecordException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessagingException;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.stereotype.Component;

/**
 * Counts the {@code generation.status} records the gateway's status consumers could not read
 * ({@code gateway.status.unreadable}, tagged {@code consumer}: {@code fanout}, the per-instance SSE feed,
 * or {@code projection}, the shared cache and in-flight group). Both try each record once
 * ({@code max-attempts: 1}) and, reading a poll at a time, passes a record it cannot read over itself (a failure
 * that still reaches the binder goes to the error channel, counted here too), so one bad record never holds up the
 * statuses behind it. Neither has a DLQ: the fan-out is anonymous, and
 * storage-sink's status projection keeps the same record on its own ({@code generation.status.storage-sink.dlq}).
 */
@Component
class UnreadableStatuses {
    private static final Logger log = LoggerFactory.getLogger(UnreadableStatuses.class);
    static final String PROJECTION = "projection";
    static final String FANOUT = "fanout";

    private final MeterRegistry meters;
    private final String projectionGroup;

    UnreadableStatuses(@Qualifier("errorChannel") SubscribableChannel errors, MeterRegistry meters,
                       @Value("${spring.cloud.stream.bindings.statusProjection-in-0.group}") String projectionGroup) {
        this.meters = meters;
        this.projectionGroup = projectionGroup;
        errors.subscribe(this::failed);
    }

    /** Refuses a status that was read but that nobody could follow, before anything acts on it. */
    static void requireFollowable(StatusChanged event) {
        if (event == null || event.jobId() == null || event.ownerId() == null || event.kind() == null || event.status() == null) {
            throw new UnusableRecordException("a status without job id, owner, kind or status");
        }
    }

    private void failed(Message<?> error) {
        if (!(error.getPayload() instanceof MessagingException failure) || failure.getFailedMessage() == null
                || !Topics.STATUS.equals(failure.getFailedMessage().getHeaders().get(KafkaHeaders.RECEIVED_TOPIC))) {
            return;
        }
        var headers = failure.getFailedMessage().getHeaders();
        var consumer = projectionGroup.equals(headers.get(KafkaHeaders.GROUP_ID)) ? PROJECTION : FANOUT;
        passedOver(consumer, headers.get(KafkaHeaders.RECEIVED_PARTITION), headers.get(KafkaHeaders.OFFSET), failure);
    }

    /** Counts and logs a record a consumer passed over (the projection reads a poll itself, so it tells this directly). */
    void passedOver(String consumer, Object partition, Object offset, Throwable failure) {
        meters.counter("gateway.status.unreadable", "consumer", consumer).increment();
        log.warn("Status {} passed over an unreadable status (partition {}, offset {}): {}", consumer, partition, offset,
                rootMessage(failure));
    }

    private static String rootMessage(Throwable failure) {
        var root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.toString();
    }
}
