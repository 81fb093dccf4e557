package com.desayre.imageworker;

import com.desayre.contracts.Topics;
import com.desayre.testsupport.HaltAfterPoll;
import org.springframework.boot.WebApplicationType;
import org.springframework.cloud.stream.config.ListenerContainerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.AbstractMessageListenerContainer;

/**
 * The image-worker in a JVM of its own that dies like a killed process the moment its intake's first non-empty poll
 * was handled: after the poll's jobs were inserted, before the poll's offsets were committed ({@link HaltAfterPoll}).
 * {@code IntakeCrashIT} runs it. Not a {@code @Configuration}: the component scan of the other tests' contexts must
 * never find it.
 */
public class HaltAfterFirstIntakePoll {

    public static void main(String[] args) {
        ImageWorkerApplication.builder().sources(HaltAfterFirstIntakePoll.class).web(WebApplicationType.NONE).run(args);
    }

    @Bean
    ListenerContainerCustomizer<AbstractMessageListenerContainer<?, ?>> haltingIntake() {
        return HaltAfterPoll.on(Topics.IMAGE_REQUESTED);
    }
}
