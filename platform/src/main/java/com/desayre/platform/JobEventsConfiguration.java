package com.desayre.platform;

import org.springframework.cloud.stream.config.ProducerMessageHandlerCustomizer;
import org.springframework.cloud.stream.function.StreamBridge;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.integration.kafka.outbound.KafkaProducerMessageHandler;

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

    /**
     * Every Kafka producer binding reports the future of a send that asks for it: how {@link JobEvents} learns of its
     * acknowledgement. The Kafka binder takes one customizer of exactly this generic type (a
     * {@code ProducerMessageHandlerCustomizer<MessageHandler>} is silently never applied, and every publish then
     * looks acknowledged the moment the producer took it: JobEventsAcknowledgementIT).
     */
    @Bean
    ProducerMessageHandlerCustomizer<KafkaProducerMessageHandler<?, ?>> jobEventsAcknowledgements() {
        return (handler, destination) -> handler.setFuturesChannel(JobEvents.ACKNOWLEDGEMENTS);
    }
}
