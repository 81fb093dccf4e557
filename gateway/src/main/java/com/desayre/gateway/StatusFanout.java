package com.desayre.gateway;

import com.desayre.contracts.StatusChanged;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.cloud.stream.binder.kafka.KafkaBindingRebalanceListener;
import org.springframework.stereotype.Component;

/**
 * Reads {@code generation.status} (every instance reads all of it), keeps the Redis cache
 * current, and feeds the SSE streams. Ready once its partitions are assigned and positioned,
 * so no status published after readiness is missed.
 */
@Component("statusFanout")
class StatusFanout implements Consumer<StatusChanged>, KafkaBindingRebalanceListener, HealthIndicator {
    private final StatusCache cache;
    private final StatusBus bus;
    private final AtomicBoolean assigned = new AtomicBoolean();

    StatusFanout(StatusCache cache, StatusBus bus) {
        this.cache = cache;
        this.bus = bus;
    }

    @Override
    public void accept(StatusChanged event) {
        cache.offer(event).block(Duration.ofSeconds(10));
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
