package com.desayre.testsupport;

import com.desayre.embedded.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Watches topics from "now" on, the way an integration test asserts what a service published:
 * {@code try (var probe = TopicProbe.watch(broker, topics)) { … await().until(() -> probe.has(…)) }}.
 * It reads on its own thread and keeps every record; records already in the topics are skipped.
 */
public final class TopicProbe implements AutoCloseable {

    /** One record as the probe saw it: key and value as UTF-8, headers by name (last wins). */
    public record Seen(String topic, String key, String value, Map<String, String> headers) {
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean running = true;

    private TopicProbe(String bootstrapServers, Collection<String> topics) {
        consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false));
        var partitions = new ArrayList<TopicPartition>();
        for (var topic : topics) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        // resolve the end offsets now, so anything produced after watch() returns is seen
        partitions.forEach(consumer::position);
        reader = new Thread(this::read, "topic-probe");
        reader.setDaemon(true);
        reader.start();
    }

    public static TopicProbe watch(KafkaBroker broker, Collection<String> topics) {
        return new TopicProbe(broker.bootstrapServers(), topics);
    }

    public static TopicProbe watch(KafkaBroker broker, String... topics) {
        return watch(broker, List.of(topics));
    }

    private void read() {
        while (running) {
            try {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    var headers = new java.util.HashMap<String, String>();
                    for (Header header : record.headers()) {
                        headers.put(header.key(), header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
                    }
                    seen.add(new Seen(record.topic(), record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8),
                            record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8), Map.copyOf(headers)));
                }
            } catch (org.apache.kafka.common.errors.WakeupException e) {
                return;
            }
        }
    }

    public List<Seen> all() {
        return List.copyOf(seen);
    }

    /** Every record of {@code topic} with {@code key}, in the order read. */
    public List<Seen> records(String topic, String key) {
        return seen.stream().filter(r -> r.topic().equals(topic) && java.util.Objects.equals(r.key(), key)).toList();
    }

    public boolean has(String topic, String key, Predicate<Seen> condition) {
        return records(topic, key).stream().anyMatch(condition);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
