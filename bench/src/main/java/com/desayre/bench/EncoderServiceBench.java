package com.desayre.bench;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Topics;
import com.desayre.embedded.KafkaBroker;
import com.desayre.embedded.SpringProperties;
import com.desayre.encoder.PromptEncoderApplication;
import com.desayre.platform.JobEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.messaging.Message;

/**
 * The prompt-encoder service through Kafka against a pass-through service on the same broker in
 * the same run: the same binder, the same synchronous producer settings, the same two output
 * records per input (job + status), and nothing else. The ratio is what encoding costs the
 * service. {@code ./desayre bench encoder-service [--records=N]}
 */
final class EncoderServiceBench {
    private static final String PASS_IN = "bench.passthrough.requested";
    private static final String PASS_OUT = "bench.passthrough.encoded";
    private static final String PASS_STATUS = "bench.passthrough.status";
    private static final String[] PROMPTS = {"woman reading in a cafe", "a lighthouse at dusk",
            "street food market at night", "a minimalist steel watch on a marble slab", "a red fox in fresh snow",
            "scandinavian kitchen interior with oak cabinets", "new york skyline in the rain", "a glass sphere above water"};

    static void run(String[] args) throws Exception {
        var records = 5_000;
        for (var arg : args) {
            if (arg.startsWith("--records=")) {
                records = Integer.parseInt(arg.substring("--records=".length()));
            }
        }
        var data = Files.createTempDirectory("bench-encoder");
        try (var kafka = KafkaBroker.start(0, data.resolve("kafka"))) {
            var topics = new ArrayList<>(Topics.all());
            topics.addAll(List.of(PASS_IN, PASS_OUT, PASS_STATUS));
            kafka.createTopics(topics, 3);
            preload(kafka, records);
            System.out.printf("%d requests preloaded on %s and %s%n", records, Topics.REQUESTED, PASS_IN);

            // two rounds each, alternating, fresh consumer groups: neither side gets the cold JIT alone
            double pass = 0;
            double encoder = 0;
            for (int round = 1; round <= 2; round++) {
                var from = endOffsets(kafka, PASS_STATUS);
                try (var ignored = passThrough(kafka, PASS_IN, "bench-pass-" + round, PASS_OUT, PASS_STATUS)) {
                    pass = Math.max(pass, recordsPerSecond(kafka, PASS_STATUS, from, records));
                }
                var service = new HashMap<>(SpringProperties.kafka(kafka));
                service.put("spring.cloud.stream.bindings.encode-in-0.group", "prompt-encoder-bench-" + round);
                from = endOffsets(kafka, Topics.STATUS);
                try (var ignored = PromptEncoderApplication.builder().web(WebApplicationType.NONE)
                        .run(SpringProperties.asArguments(service))) {
                    encoder = Math.max(encoder, recordsPerSecond(kafka, Topics.STATUS, from, records));
                }
            }
            System.out.printf(Locale.ROOT, "%n%-34s %10s%n%-34s %10.0f%n%-34s %10.0f%n%nprompt-encoder / pass-through: %.2f%n",
                    "best of 2 rounds", "records/s", "pass-through (2 sync sends)", pass, "prompt-encoder (2 sync sends)", encoder,
                    encoder / pass);
        } finally {
            PipelineBench.deleteRecursively(data);
        }
    }

    private static void preload(KafkaBroker kafka, int records) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class, ProducerConfig.LINGER_MS_CONFIG, 5))) {
            // the encoder runs jobs of known, enabled accounts only (the gateway writes them there)
            producer.send(new ProducerRecord<>(Topics.ACCOUNTS, "bench".getBytes(StandardCharsets.UTF_8),
                    EventJson.write(com.desayre.contracts.AccountChanged.of("bench", true))));
            for (int i = 0; i < records; i++) {
                var jobId = java.util.UUID.randomUUID().toString();
                var spec = new JobSpec("bench", JobKind.IMAGE, PROMPTS[i % PROMPTS.length] + " #" + i, "1:1", 1024, 1024, null,
                        null, true, Priority.BATCH, null, null, null);
                var value = EventJson.write(GenerationRequested.of(jobId, spec));
                var key = jobId.getBytes(StandardCharsets.UTF_8);
                producer.send(new ProducerRecord<>(Topics.REQUESTED, key, value));
                producer.send(new ProducerRecord<>(PASS_IN, key, value));
            }
            producer.flush();
        }
    }

    static Map<TopicPartition, Long> endOffsets(KafkaBroker kafka, String topic) {
        try (var consumer = consumer(kafka)) {
            var partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    /**
     * Reads {@code topic} from the given offsets until {@code expected} new records arrived
     * (bounded), and rates them by their own timestamps, first to last: start-up and group joins
     * don't count.
     */
    static double recordsPerSecond(KafkaBroker kafka, String topic, Map<TopicPartition, Long> from, int expected) {
        try (var consumer = consumer(kafka)) {
            consumer.assign(from.keySet());
            from.forEach(consumer::seek);
            long seen = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            var deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                for (var record : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    first = Math.min(first, record.timestamp());
                    last = Math.max(last, record.timestamp());
                }
            }
            if (seen < expected) {
                System.out.printf("%s: only %d of %d records within 5 minutes%n", topic, seen, expected);
            }
            var rate = seen * 1000.0 / Math.max(1, last - first);
            System.out.printf(Locale.ROOT, "%s: %d records in %.1f s (%.0f records/s)%n", topic, seen, (last - first) / 1000.0, rate);
            return rate;
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(KafkaBroker kafka) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
    }

    /**
     * A service that only forwards, to {@code bench.pass.out} and {@code bench.pass.status}: what any
     * stage costs before it does its own work.
     */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    @org.springframework.context.annotation.Import(com.desayre.platform.JobEventsConfiguration.class)
    static class PassThrough {
        @Bean
        Consumer<Message<byte[]>> passThrough(JobEvents events,
                                              @org.springframework.beans.factory.annotation.Value("${bench.pass.out}") String out,
                                              @org.springframework.beans.factory.annotation.Value("${bench.pass.status}") String status) {
            return message -> {
                var key = new String((byte[]) message.getHeaders().get("kafka_receivedMessageKey"), StandardCharsets.UTF_8);
                events.send(out, key, message.getPayload());
                events.send(status, key, message.getPayload());
            };
        }
    }

    /** Starts the pass-through reading {@code in} in its own group, forwarding to {@code out} and {@code status}. */
    static org.springframework.context.ConfigurableApplicationContext passThrough(KafkaBroker kafka, String in, String group,
                                                                                  String out, String status) {
        var properties = new HashMap<>(SpringProperties.kafka(kafka));
        properties.put("spring.cloud.function.definition", "passThrough");
        properties.put("spring.cloud.stream.bindings.passThrough-in-0.destination", in);
        properties.put("spring.cloud.stream.bindings.passThrough-in-0.group", group);
        properties.put("bench.pass.out", out);
        properties.put("bench.pass.status", status);
        return new SpringApplicationBuilder(PassThrough.class).web(WebApplicationType.NONE)
                .properties("spring.config.name=desayre-platform").run(SpringProperties.asArguments(properties));
    }

    private EncoderServiceBench() {
    }
}
