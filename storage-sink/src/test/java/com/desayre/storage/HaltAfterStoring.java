package com.desayre.storage;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;

/**
 * storage-sink in a JVM of its own that dies like a killed process (no shutdown hook, no commit) the moment its first
 * non-empty poll of results was handled: after the objects went up, the media rows were written and the poll's
 * {@code STORING} and {@code COMPLETED} were acknowledged, and before the container commits the poll's offsets.
 * {@code SinkCrashIT} runs it. Not a {@code @Configuration}: the component scan of the other tests' contexts must
 * never find it.
 */
public class HaltAfterStoring {
    static final int EXIT = 78;

    public static void main(String[] args) {
        StorageSinkApplication.builder().sources(HaltAfterStoring.class).web(WebApplicationType.NONE).run(args);
    }

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> haltingContainers(
            @Value("${spring.cloud.stream.bindings.storeMedia-in-0.destination}") String results) {
        return (container, destination, group) -> {
            if (!results.equals(destination)) {
                return;
            }
            halting(container).setBatchInterceptor(new BatchInterceptor<>() {
                @Override
                public ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records,
                        Consumer<Object, Object> consumer) {
                    return records;
                }

                @Override
                public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
                    if (!records.isEmpty()) {
                        System.out.println("HaltAfterStoring: stored " + records.count() + " result(s), halting before the commit");
                        System.out.flush();
                        Runtime.getRuntime().halt(EXIT);
                    }
                }
            });
        };
    }

    @SuppressWarnings("unchecked")
    private static AbstractMessageListenerContainer<Object, Object> halting(AbstractMessageListenerContainer<?, ?> container) {
        return (AbstractMessageListenerContainer<Object, Object>) container;
    }
}
