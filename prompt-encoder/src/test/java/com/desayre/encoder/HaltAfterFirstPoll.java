package com.desayre.encoder;

import com.desayre.testsupport.HaltAfterPoll;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * The prompt-encoder in a JVM of its own that dies like a killed process (no shutdown hook, no commit) the moment
 * its first non-empty poll was handled: after the stage returned, so after every send of the poll was acknowledged,
 * and before the container commits the poll's offsets ({@link HaltAfterPoll}). {@code EncoderCrashIT} runs it. Not a
 * {@code @Configuration}: the component scan of the other tests' contexts must never find it.
 */
public class HaltAfterFirstPoll {
    static final int EXIT = HaltAfterPoll.EXIT;

    public static void main(String[] args) {
        PromptEncoderApplication.builder().sources(HaltAfterFirstPoll.class).web(WebApplicationType.NONE).run(args);
    }

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> haltingContainers() {
        return HaltAfterPoll.on(null);
    }
}
