package com.desayre.encoder;

import com.desayre.platform.DeadLetters;
import com.desayre.platform.JobEvents;
import org.springframework.cloud.stream.binder.ConsumerProperties;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.listener.CommonErrorHandler;

/**
 * The {@code encode-in-0} batch binding's settings (deliveries, back-off, what is never retried) and its error
 * handler ({@code common-error-handler-bean-name: encodeErrors} in prompt-encoder.yml; the binder's own DLQ
 * would put a whole poll there).
 */
@Configuration(proxyBeanMethods = false)
class EncodeBinding {
    static final String NAME = "encode-in-0";

    private final BindingServiceProperties bindings;

    EncodeBinding(BindingServiceProperties bindings) {
        this.bindings = bindings;
    }

    ConsumerProperties properties() {
        return bindings.getConsumerProperties(NAME);
    }

    @Bean
    CommonErrorHandler encodeErrors(JobEvents events) {
        return DeadLetters.errorHandler(events, properties(), EncodeRequests.DLQ);
    }
}
