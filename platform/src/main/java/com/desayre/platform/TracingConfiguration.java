package com.desayre.platform;

import io.micrometer.observation.ObservationPredicate;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.config.GlobalChannelInterceptor;
import org.springframework.integration.support.management.observation.MessageSenderContext;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageChannel;
import org.springframework.messaging.support.ChannelInterceptor;

/**
 * Tracing as every service does it (docs/tracing.md): trace ids are always made and carried (HTTP by Micrometer's
 * observations, Kafka by {@link TraceparentProducerInterceptor} and {@link #resumeTraces}), so every log line of a
 * job has its trace id; spans are recorded only to be exported, which an OTLP endpoint switches on.
 */
@AutoConfiguration(beforeName = "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration")
@ConditionalOnClass(Sampler.class)
public class TracingConfiguration {

    /**
     * No exporter, no recording: spans keep their ids (so the ids still reach logs, records and responses) but are not
     * built up for nobody. With an OTLP endpoint, {@code management.tracing.sampling.probability} of the traces are
     * recorded (a job's stages follow the gateway's decision, which its records carry).
     */
    @Bean
    Sampler desayreSampler(@Value("${management.opentelemetry.tracing.export.otlp.endpoint:}") String endpoint,
                           @Value("${management.tracing.sampling.probability:1.0}") double probability) {
        return endpoint.isBlank() ? Sampler.alwaysOff() : Sampler.parentBased(Sampler.traceIdRatioBased(probability));
    }

    /**
     * No span per record sent. StreamBridge observes every send of its output channels (Spring Integration's producer
     * observation): each record got a span of its own, nobody asked for it, and its id, not the job's, went on the
     * record (the header was set before {@link TraceparentProducerInterceptor} looked), so each hop had a new parent.
     * Without it every record of a job carries the traceparent of the request that made the job ({@code JobTraceIT}).
     */
    @Bean
    ObservationPredicate noSpanPerSentMessage() {
        return (name, context) -> !(context instanceof MessageSenderContext);
    }

    /**
     * Every binding's input (channels {@code <function>-in-<n>}): the record's trace is made current while the
     * function handles it, with the service's name in the logs, so what the function logs and sends carries the job's
     * trace. A batch (a list payload) has no one trace: a batch consumer resumes each record's with {@link JobTrace}.
     */
    @Bean
    @GlobalChannelInterceptor(patterns = "*-in-*")
    ChannelInterceptor resumeTraces(@Value("${spring.application.name:}") String service) {
        return new ResumingInterceptor(service.isBlank() ? null : service);
    }

    static final class ResumingInterceptor implements ChannelInterceptor {
        private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TracingConfiguration.class);
        private static final ThreadLocal<java.util.ArrayDeque<JobTrace.Resumed>> OPEN =
                ThreadLocal.withInitial(java.util.ArrayDeque::new);
        private final String service;

        ResumingInterceptor(String service) {
            this.service = service;
        }

        @Override
        public Message<?> preSend(Message<?> message, MessageChannel channel) {
            OPEN.get().push(JobTrace.resume(JobTrace.headerValue(message.getHeaders().get(JobTrace.HEADER)), service));
            if (log.isDebugEnabled()) {
                log.debug("A record from {} keyed {}", message.getHeaders().get("kafka_receivedTopic"),
                        JobTrace.headerValue(message.getHeaders().get("kafka_receivedMessageKey")));
            }
            return message;
        }

        @Override
        public void afterSendCompletion(Message<?> message, MessageChannel channel, boolean sent, Exception ex) {
            var open = OPEN.get().poll();
            if (open != null) {
                open.close();
            }
        }
    }
}
