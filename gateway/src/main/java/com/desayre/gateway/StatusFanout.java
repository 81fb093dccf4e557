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
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(StatusFanout.class);
    private static final Duration CACHE_WRITE_TIMEOUT = Duration.ofSeconds(2);
    private final StatusCache cache;
    private final StatusBus bus;
    private final AtomicBoolean assigned = new AtomicBoolean();

    StatusFanout(StatusCache cache, StatusBus bus) {
        this.cache = cache;
        this.bus = bus;
    }

    @Override
    public void accept(StatusChanged event) {
        // live streams first: a slow or unreachable Redis must never hold statuses back from SSE clients
        // (streams subscribe before they read the cache, so nothing falls between the two)
        bus.publish(event);
        // the cache write is not waited for: its script only moves a job forward, so writes landing out of
        // order are harmless, and while Redis is down a status is simply not cached (Postgres answers then)
        cache.offer(event).timeout(CACHE_WRITE_TIMEOUT)
                .subscribe(applied -> { }, error -> log.debug("Status of job {} not cached: {}", event.jobId(), error.toString()));
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
