package com.desayre.gateway.jobs;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.messaging.StatusBus;
import com.desayre.platform.PolledRecord;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;
import org.springframework.messaging.Message;
import org.springframework.stereotype.Component;

/**
 * Feeds this instance's live SSE streams: reads all of {@code generation.status} with its own
 * anonymous consumer from the latest offset (every instance needs every status for its own
 * streams, and a stream never needs what happened before it connected: it starts from the stores,
 * see {@link JobStatuses}). Ready once its partitions are assigned and positioned, so no status
 * published after readiness is missed. The cache and the in-flight slots are the durable
 * {@link StatusProjection}'s job, not this one's.
 */
@Component("statusFanout")
class StatusFanout implements Consumer<Message<Object>>, KafkaBindingRebalanceListener, HealthIndicator {
    private final StatusBus bus;
    private final UnreadableStatuses unreadable;
    private final AtomicBoolean assigned = new AtomicBoolean();

    StatusFanout(StatusBus bus, UnreadableStatuses unreadable) {
        this.bus = bus;
        this.unreadable = unreadable;
    }

    /**
     * A poll at a time ({@code batch-mode}), read with the contracts' own reader: the binder's per-record message
     * conversion and function invocation cost more CPU than the statuses themselves. A record that is not a followable
     * status is counted and passed over; the ones after it still go out.
     */
    @Override
    public void accept(Message<Object> poll) {
        for (var record : PolledRecord.of(poll)) {
            StatusChanged event;
            try {
                event = EventJson.read(record.value(), StatusChanged.class);
                UnreadableStatuses.requireFollowable(event);
            } catch (RuntimeException e) {
                unreadable.passedOver(UnreadableStatuses.FANOUT, record.partition(), record.offset(), e);
                continue;
            }
            bus.publish(event);
        }
    }

    @Override
    public void onPartitionsAssigned(String bindingName, org.apache.kafka.clients.consumer.Consumer<?, ?> consumer,
                                     Collection<TopicPartition> partitions, boolean initial) {
        if (bindingName.startsWith("statusFanout")) {
            // resolve the starting offsets now, so "ready" means every later status will be seen
            partitions.forEach(consumer::position);
            assigned.set(true);
        }
    }

    boolean live() {
        return assigned.get();
    }

    @Override
    public Health health() {
        return live() ? Health.up().build()
                : Health.outOfService().withDetail("statusStream", "waiting for generation.status partitions").build();
    }
}
