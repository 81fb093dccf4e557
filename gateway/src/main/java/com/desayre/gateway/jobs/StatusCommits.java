package com.desayre.gateway.jobs;

import com.desayre.contracts.Topics;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties.AckMode;

/**
 * How often the gateway's two consumers of {@code generation.status} commit their offsets. Committing after every poll
 * (the binder's default) was a third of their CPU under load, and as much again in the broker:
 * <ul>
 * <li>the durable {@link StatusProjection} commits at most every {@link #PROJECTION_COMMIT_EVERY} (and on a rebalance
 * or stop). Each commit still covers only polls whose Redis writes were waited for; a gateway that dies redelivers at
 * most that much to the next, and every write is idempotent (legal moves only, releases by job id).</li>
 * <li>the per-instance {@link StatusFanout} never commits: its group is anonymous and starts at the latest offset
 * every time, so an offset it committed would never be read.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
class StatusCommits {
    static final Duration PROJECTION_COMMIT_EVERY = Duration.ofSeconds(1);

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> statusConsumerCommits(
            @Value("${spring.cloud.stream.bindings.statusProjection-in-0.group}") String projectionGroup) {
        return (container, destination, group) -> {
            if (!Topics.STATUS.equals(destination)) {
                return;
            }
            var properties = container.getContainerProperties();
            if (projectionGroup.equals(group)) {
                properties.setAckMode(AckMode.TIME);
                properties.setAckTime(PROJECTION_COMMIT_EVERY.toMillis());
            } else {
                properties.setAckMode(AckMode.MANUAL);
            }
        };
    }
}
