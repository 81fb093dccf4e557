package com.desayre.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.embedded.SpringProperties;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.stream.config.BindingServiceProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.kafka.listener.BatchListenerFailedException;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.messaging.Message;

/**
 * The batch hand-off's failure semantics on a real broker, with platform's own settings (desayre-platform.yml:
 * asynchronous producers): a stage publishes each record's output, waits once per poll ({@link PollSends}), and
 * stops at a record whose failure may pass ({@link BatchListenerFailedException}). {@link DeadLetters#errorHandler}
 * then commits the records before it, delivers it again from there (never skipping it), and after the binding's
 * deliveries puts that one record on the DLQ with the failure headers; the records behind it go on.
 */
class BatchHandOffIT {
    private static final String IN = "handoff-test.in";
    private static final String OUT = "handoff-test.out";
    private static final String DLQ = "handoff-test.in.dlq";

    /** Deliveries per value, and each value's output as the stage published it. */
    static final Map<String, AtomicInteger> DELIVERIES = new ConcurrentHashMap<>();
    static final List<String> DONE = new CopyOnWriteArrayList<>();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    @Import(JobEventsConfiguration.class)
    static class Stage {
        /** "flaky" fails its first two deliveries, "broken" every one; the others pass their value on. */
        @Bean
        Consumer<Message<List<byte[]>>> stage(JobEvents events) {
            return poll -> {
                var sends = new PollSends();
                for (var record : PolledRecord.of(poll)) {
                    var value = new String(record.value(), StandardCharsets.UTF_8);
                    int delivery = DELIVERIES.computeIfAbsent(value, v -> new AtomicInteger()).incrementAndGet();
                    if (value.equals("broken") || value.equals("flaky") && delivery <= 2) {
                        var failure = sends.firstFailure(); // what came before is in Kafka: only then may it commit
                        assertThat(failure).isNull();
                        throw new BatchListenerFailedException("the database is away", new IllegalStateException("away"),
                                record.index());
                    }
                    sends.add(record.index(), events.publish(OUT, record.keyText(), value.getBytes(StandardCharsets.UTF_8), Map.of()));
                    DONE.add(value);
                }
                var failure = sends.firstFailure();
                if (failure != null) {
                    throw new BatchListenerFailedException("send failed", failure.cause(), failure.index());
                }
            };
        }

        @Bean
        CommonErrorHandler stageErrors(JobEvents events, BindingServiceProperties bindings) {
            return DeadLetters.errorHandler(events, bindings.getConsumerProperties("stage-in-0"), DLQ);
        }
    }

    @Test
    void aFailureThatMayPassIsDeliveredAgainFromItsRecordAndOnlyThatRecordIsDeadLetteredInTheEnd() throws Exception {
        var kafka = TestServers.kafka();
        kafka.createTopics(List.of(IN, OUT, DLQ), 1);
        var values = List.of("a", "b", "flaky", "c", "broken", "d");
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (var value : values) {
                producer.send(new ProducerRecord<>(IN, ("key-" + value).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        var properties = new HashMap<>(SpringProperties.kafka(kafka));
        properties.put("spring.config.name", "desayre-platform");
        properties.put("spring.cloud.function.definition", "stage");
        properties.put("spring.cloud.stream.bindings.stage-in-0.destination", IN);
        properties.put("spring.cloud.stream.bindings.stage-in-0.group", "handoff-test");
        properties.put("spring.cloud.stream.bindings.stage-in-0.consumer.batch-mode", "true");
        properties.put("spring.cloud.stream.bindings.stage-in-0.consumer.use-native-decoding", "true");
        properties.put("spring.cloud.stream.bindings.stage-in-0.consumer.max-attempts", "2");
        properties.put("spring.cloud.stream.bindings.stage-in-0.consumer.back-off-initial-interval", "50");
        properties.put("spring.cloud.stream.bindings.stage-in-0.consumer.back-off-max-interval", "100");
        properties.put("spring.cloud.stream.kafka.bindings.stage-in-0.consumer.common-error-handler-bean-name", "stageErrors");
        try (var probe = TopicProbe.watch(kafka, OUT, DLQ);
             var stage = new SpringApplicationBuilder(Stage.class).web(WebApplicationType.NONE)
                     .run(SpringProperties.asArguments(properties))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> DONE.contains("d") && !probe.records(DLQ, "key-broken").isEmpty()
                    && probe.records(OUT, "key-d").size() == 1);

            // nothing skipped, nothing done twice: each passing value once, in order
            assertThat(DONE).containsExactly("a", "b", "flaky", "c", "d");
            assertThat(DELIVERIES.get("a").get()).isEqualTo(1);
            assertThat(DELIVERIES.get("flaky").get()).isEqualTo(3);
            // max-attempts 2 = 3 deliveries, then the DLQ
            assertThat(DELIVERIES.get("broken").get()).isEqualTo(3);
            for (var value : List.of("a", "b", "flaky", "c", "d")) {
                assertThat(probe.records(OUT, "key-" + value)).as(value).hasSize(1);
            }
            var dead = probe.records(DLQ, "key-broken");
            assertThat(dead).singleElement().satisfies(record -> {
                assertThat(record.value()).isEqualTo("broken");
                assertThat(record.headers()).containsEntry("x-original-topic", IN).containsKey("x-exception-message")
                        .containsKey("x-original-offset");
            });
        }
    }
}
