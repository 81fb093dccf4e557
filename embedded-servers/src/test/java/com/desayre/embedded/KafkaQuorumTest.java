package com.desayre.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three KRaft nodes, as {@code ./desayre up --cluster} runs them (here in one JVM, there one per process): topics are
 * replicated three times with {@code min.insync.replicas} 2, so with any one node down an acks=all write still
 * succeeds and nothing written is lost; the node restarted on its directory catches up.
 */
class KafkaQuorumTest {

    @TempDir
    Path dataDir;

    @Test
    void aThreeNodeClusterKeepsTakingAndServingRecordsWithOneNodeDown() throws Exception {
        var quorum = KafkaQuorum.onFreePorts(3);
        assertThat(quorum.replicationFactor()).isEqualTo(3);
        assertThat(quorum.minInsyncReplicas()).isEqualTo(2);
        var nodes = new ArrayList<KafkaBroker>(List.of(startAll(quorum).toArray(KafkaBroker[]::new)));
        try {
            quorum.createTopics(List.of("quorum.test"), 3);
            try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrapServers()))) {
                var partitions = admin.describeTopics(List.of("quorum.test")).allTopicNames().get().get("quorum.test").partitions();
                assertThat(partitions).allSatisfy(partition -> assertThat(partition.replicas()).hasSize(3));
            }
            try (var producer = producer(quorum)) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>("quorum.test", "job-" + i, "before-" + i)).get();
                }
                nodes.get(2).close();
                // one node down: 2 in-sync replicas remain, acks=all still commits (leaders move to the others)
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>("quorum.test", "job-" + i, "during-" + i)).get();
                }
            }
            assertThat(readAll(quorum, 60)).hasSize(60);

            nodes.set(2, KafkaBroker.startNode(quorum, 3, dataDir.resolve("node-3")));
            try (var admin = Admin.create(Map.<String, Object>of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrapServers()))) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(admin.describeTopics(List.of("quorum.test"))
                        .allTopicNames().get().get("quorum.test").partitions())
                        .allSatisfy(partition -> assertThat(partition.isr()).hasSize(3)));
            }
        } finally {
            // all at once: a node stopped after the others has no controller majority for its controlled shutdown
            CompletableFuture.allOf(nodes.stream().map(node -> CompletableFuture.runAsync(node::close))
                    .toArray(CompletableFuture[]::new)).join();
        }
    }

    @Test
    void aQuorumTravelsToAChildProcessAsOneLine() {
        var quorum = new KafkaQuorum("Mk3OEYBSD34fcwNTJENDM2", List.of(
                new KafkaQuorum.Node(1, 19092, 19093), new KafkaQuorum.Node(2, 29092, 29093), new KafkaQuorum.Node(3, 39092, 39093)));
        assertThat(KafkaQuorum.decode(quorum.encode())).isEqualTo(quorum);
        assertThat(quorum.bootstrapServers()).isEqualTo("127.0.0.1:19092,127.0.0.1:29092,127.0.0.1:39092");
        assertThat(quorum.voters()).isEqualTo("1@127.0.0.1:19093,2@127.0.0.1:29093,3@127.0.0.1:39093");
        assertThatThrownBy(() -> KafkaQuorum.decode("1:2:3")).hasMessageContaining("not a quorum");
        assertThatThrownBy(() -> quorum.node(4)).hasMessageContaining("no node 4");
    }

    /** In parallel: a node's start-up waits for the controller quorum, which needs a majority of the nodes. */
    private List<KafkaBroker> startAll(KafkaQuorum quorum) {
        var starting = quorum.nodes().stream()
                .map(node -> CompletableFuture.supplyAsync(() -> KafkaBroker.startNode(quorum, node.id(), dataDir.resolve("node-" + node.id()))))
                .toList();
        return starting.stream().map(CompletableFuture::join).toList();
    }

    private static KafkaProducer<String, String> producer(KafkaQuorum quorum) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000), new StringSerializer(), new StringSerializer());
    }

    private static List<String> readAll(KafkaQuorum quorum, int expected) {
        var values = new ArrayList<String>();
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, quorum.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "quorum-reader",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("quorum.test"));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
                return values.size() >= expected;
            });
        }
        return values;
    }
}
