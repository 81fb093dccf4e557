package com.desayre.platform;

import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * {@link JobEvents} over the service's {@link StreamBridge}. Not auto-configured: a service that publishes job events
 * (prompt-encoder, storage-sink, the workers through worker-kit) says so with {@code @Import(JobEventsConfiguration.class)};
 * the gateway publishes through its own bounded sender.
 */
@Configuration(proxyBeanMethods = false)
public class JobEventsConfiguration {

    @Bean
    JobEvents jobEvents(StreamBridge bridge) {
        return new JobEvents(bridge);
    }
}
