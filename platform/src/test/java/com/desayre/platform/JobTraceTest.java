package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class JobTraceTest {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aResumedTraceIsCurrentAndInTheLogsUntilClosedAndThenWhatWasThereComesBack() {
        MDC.put("service", "outer");
        try (var resumed = JobTrace.resume(TRACEPARENT, "image-worker")) {
            assertThat(JobTrace.traceparent()).isEqualTo(TRACEPARENT);
            assertThat(JobTrace.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(MDC.get("traceId")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
            assertThat(MDC.get("spanId")).isEqualTo("00f067aa0ba902b7");
            assertThat(MDC.get("service")).isEqualTo("image-worker");
        }
        assertThat(JobTrace.traceparent()).isNull();
        assertThat(MDC.get("traceId")).isNull();
        assertThat(MDC.get("service")).isEqualTo("outer");
        MDC.clear();
    }

    @Test
    void whatIsNotATraceparentResumesNothing() {
        for (var bad : new String[] {null, "", "garbage", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz"}) {
            try (var resumed = JobTrace.resume(bad, null)) {
                assertThat(JobTrace.traceId()).as(bad).isNull();
                assertThat(MDC.get("traceId")).as(bad).isNull();
            }
        }
    }

    @Test
    void everyRecordSentInATraceCarriesItAndARecordsOwnHeaderWins() {
        var interceptor = new TraceparentProducerInterceptor();
        var outside = interceptor.onSend(new ProducerRecord<>("generation.status", "job", "{}"));
        assertThat(outside.headers().lastHeader("traceparent")).isNull();
        try (var resumed = JobTrace.resume(TRACEPARENT, null)) {
            var sent = interceptor.onSend(new ProducerRecord<>("generation.status", "job", "{}"));
            assertThat(new String(sent.headers().lastHeader("traceparent").value(), StandardCharsets.ISO_8859_1)).isEqualTo(TRACEPARENT);

            var own = new ProducerRecord<Object, Object>("generation.status", "job", "{}");
            own.headers().add("traceparent", "00-11111111111111111111111111111111-2222222222222222-00".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(interceptor.onSend(own).headers().headers("traceparent")).hasSize(1);
        }
    }

    @Test
    void aMessageSentMakesNoSpanOfItsOwnWhileOtherObservationsStay() {
        var predicate = new TracingConfiguration().noSpanPerSentMessage();
        var sent = new org.springframework.integration.support.management.observation.MessageSenderContext(
                org.springframework.integration.support.MutableMessage.of(
                        org.springframework.messaging.support.MessageBuilder.withPayload("{}").build()), "generation.status");
        assertThat(predicate.test("spring.integration.producer", sent)).isFalse();
        assertThat(predicate.test("http.server.requests", new io.micrometer.observation.Observation.Context())).isTrue();
    }

    @Test
    void anHttpRequestMadeInATraceCarriesIt() {
        var outside = JobTrace.onto(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1/"))).build();
        assertThat(outside.headers().firstValue("traceparent")).isEmpty();
        try (var resumed = JobTrace.resume(TRACEPARENT, null)) {
            var inside = JobTrace.onto(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1/"))).build();
            assertThat(inside.headers().firstValue("traceparent")).contains(TRACEPARENT);
        }
    }
}
