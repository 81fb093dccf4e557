package com.desayre.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaBrokerTest {

    /** One broker for the class, started as the test kit and bench start theirs: no data directory, a free port. */
    private static KafkaBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaBroker.start(0, null);
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void producesAndConsumesARecordRightAfterCreatingItsTopic() throws Exception {
        String topic = "embedded.round-trip." + UUID.randomUUID();
        broker.createTopics(List.of(topic), 3);

        RecordMetadata written = send(broker, topic, "job-1", "hello");

        try (var consumer = consumer(broker, "round-trip-" + UUID.randomUUID())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                        return !received.isEmpty();
                    });
            assertThat(received).singleElement().satisfies(record -> {
                assertThat(record.key()).isEqualTo("job-1");
                assertThat(record.value()).isEqualTo("hello");
                assertThat(record.partition()).isEqualTo(written.partition());
            });
        }
    }

    @Test
    void keepsRecordsAcrossARestartOnTheSameDataDirectory(@TempDir Path dataDir) throws Exception {
        String topic = "embedded.restart"; // beside the class's broker, as an IT's own broker runs beside the kit's
        String clusterId;
        try (KafkaBroker first = KafkaBroker.start(0, dataDir)) {
            clusterId = first.clusterId();
            first.createTopics(List.of(topic), 1);
            send(first, topic, "job-2", "still here");
        }

        try (KafkaBroker second = KafkaBroker.start(0, dataDir)) {
            assertThat(second.clusterId()).isEqualTo(clusterId);
            second.createTopics(List.of(topic), 1);
            try (var consumer = consumer(second, "restart-" + UUID.randomUUID())) {
                var partition = new TopicPartition(topic, 0);
                consumer.assign(Set.of(partition));
                consumer.seekToBeginning(Set.of(partition));
                List<ConsumerRecord<String, String>> received = new ArrayList<>();
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> {
                            consumer.poll(Duration.ofMillis(200)).forEach(received::add);
                            return !received.isEmpty();
                        });
                assertThat(received).extracting(ConsumerRecord::value).containsExactly("still here");
            }
        }
        assertThat(dataDir).isDirectoryContaining(path -> path.getFileName().toString().equals(KafkaBroker.CLUSTER_ID_FILE));
    }

    private static RecordMetadata send(KafkaBroker broker, String topic, String key, String value) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 20_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer())) {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static KafkaConsumer<String, String> consumer(KafkaBroker broker, String group) {
        return new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer());
    }
}
