package com.desayre.platform;

import com.desayre.contracts.Topics;
import org.springframework.cloud.stream.config.BindingServiceProperties;
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

    /**
     * Before any thread sends, every topic of {@link Topics#all()} gets its binding properties, on this one thread.
     * StreamBridge adds a destination's properties on its first send, outside its lock, into a plain TreeMap: the
     * first sends of several threads at once (a restarted worker resuming its jobs: status, ledger, media) corrupted
     * it, and from then on every send to some topics failed with a NullPointerException (CI's WorkerRestartIT).
     * Registered here, later sends only read the map. A topic outside the list (a test's) is still added on first use.
     */
    @Bean
    JobEvents jobEvents(StreamBridge bridge, BindingServiceProperties bindings) {
        Topics.all().forEach(bindings::getBindingProperties);
        return new JobEvents(bridge);
    }

    /**
     * Every Kafka producer binding reports the future of a send that asks for it: how {@link JobEvents} learns of its
     * acknowledgement. The Kafka binder takes one customizer of exactly this generic type (a
     * {@code ProducerMessageHandlerCustomizer<MessageHandler>} is silently never applied, and every publish then
     * looks acknowledged the moment the producer took it: JobEventsIT).
     */
    @Bean
    ProducerMessageHandlerCustomizer<KafkaProducerMessageHandler<?, ?>> jobEventsAcknowledgements() {
        return (handler, destination) -> handler.setFuturesChannel(JobEvents.ACKNOWLEDGEMENTS);
    }
}
