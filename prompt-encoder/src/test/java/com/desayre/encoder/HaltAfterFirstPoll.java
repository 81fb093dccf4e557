package com.desayre.encoder;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;
import org.springframework.kafka.listener.BatchInterceptor;

/**
 * The prompt-encoder in a JVM of its own that dies like a killed process (no shutdown hook, no commit) the moment
 * its first non-empty poll was handled: after the stage returned, so after every send of the poll was acknowledged,
 * and before the container commits the poll's offsets. {@code EncoderCrashIT} runs it. Not a {@code @Configuration}: the
 * component scan of the other tests' contexts must never find it.
 */
public class HaltAfterFirstPoll {
    static final int EXIT = 77;

    public static void main(String[] args) {
        PromptEncoderApplication.builder().sources(HaltAfterFirstPoll.class).web(WebApplicationType.NONE).run(args);
    }

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> haltingContainers() {
        return (container, destination, group) -> halting(container).setBatchInterceptor(new BatchInterceptor<>() {
            @Override
            public ConsumerRecords<Object, Object> intercept(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
                return records;
            }

            @Override
            public void success(ConsumerRecords<Object, Object> records, Consumer<Object, Object> consumer) {
                if (!records.isEmpty()) {
                    System.out.println("HaltAfterFirstPoll: handled " + records.count() + " record(s), halting before the commit");
                    System.out.flush();
                    Runtime.getRuntime().halt(EXIT);
                }
            }
        });
    }

    @SuppressWarnings("unchecked")
    private static AbstractMessageListenerContainer<Object, Object> halting(AbstractMessageListenerContainer<?, ?> container) {
        return (AbstractMessageListenerContainer<Object, Object>) container;
    }
}
