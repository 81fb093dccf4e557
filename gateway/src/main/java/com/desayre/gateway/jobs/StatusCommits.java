package com.desayre.gateway.jobs;

import com.desayre.contracts.Topics;
import java.time.Duration;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties.AckMode;

/**
 * How often the gateway's two consumers of {@code generation.status} commit their offsets: at most once a second
 * (and on a rebalance or stop). Committing after every poll (the binder's default) was a third of their CPU under
 * load, and as much again in the broker.
 * <ul>
 * <li>The durable {@link StatusProjection}: each commit still covers only polls whose Redis writes were waited for; a
 * gateway that dies redelivers at most a second to the next, and every write is idempotent (legal moves only,
 * releases by job id).</li>
 * <li>The per-instance {@link StatusFanout}: its anonymous group starts at the latest offset every time, so its offsets
 * are never read back, but they are what the queue status (admin, {@code desayre queues}, lag autoscaling) shows as
 * its lag: never committing showed a gateway for ever behind (PoisonIT saw 1,125).</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class StatusCommits {
    static final Duration COMMIT_EVERY = Duration.ofSeconds(1);

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> statusConsumerCommits() {
        return (container, destination, group) -> {
            if (!Topics.STATUS.equals(destination)) {
                return;
            }
            var properties = container.getContainerProperties();
            properties.setAckMode(AckMode.TIME);
            properties.setAckTime(COMMIT_EVERY.toMillis());
        };
    }
}
