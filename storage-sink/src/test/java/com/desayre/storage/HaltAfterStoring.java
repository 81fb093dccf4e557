package com.desayre.storage;

import com.desayre.testsupport.HaltAfterPoll;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * storage-sink in a JVM of its own that dies like a killed process (no shutdown hook, no commit) the moment its first
 * non-empty poll of results was handled: after the objects went up, the media rows were written and the poll's
 * {@code STORING} and {@code COMPLETED} were acknowledged, and before the container commits the poll's offsets
 * ({@link HaltAfterPoll}). {@code SinkCrashIT} runs it. Not a {@code @Configuration}: the component scan of the other
 * tests' contexts must never find it.
 */
public class HaltAfterStoring {
    static final int EXIT = HaltAfterPoll.EXIT;

    public static void main(String[] args) {
        StorageSinkApplication.builder().sources(HaltAfterStoring.class).web(WebApplicationType.NONE).run(args);
    }

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> haltingContainers(
            @Value("${spring.cloud.stream.bindings.storeMedia-in-0.destination}") String results) {
        return HaltAfterPoll.on(results);
    }
}
