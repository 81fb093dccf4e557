package com.desayre.gateway.jobs;

import com.desayre.contracts.StatusChanged;
import com.desayre.gateway.messaging.StatusBus;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;
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
class StatusFanout implements Consumer<StatusChanged>, KafkaBindingRebalanceListener, HealthIndicator {
    private final StatusBus bus;
    private final AtomicBoolean assigned = new AtomicBoolean();

    StatusFanout(StatusBus bus) {
        this.bus = bus;
    }

    @Override
    public void accept(StatusChanged event) {
        UnreadableStatuses.requireFollowable(event);
        bus.publish(event);
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
