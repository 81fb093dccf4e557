package com.desayre.imageworker;

import static org.awaitility.Awaitility.await;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.SpringProperties;
import com.desayre.testsupport.TestServers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * What the image-worker integration tests share: the worker started alone on the test kit's
 * real Kafka and PostgreSQL (its own database and consumer group per test class), a producer
 * for {@code generation.image.requested}, and a plain consumer that records everything on
 * {@code generation.status}, {@code generation.media.ready} and the DLQ from the moment it starts.
 */
final class WorkerHarness implements AutoCloseable {
    static final String KEY = "sk-test-" + UUID.randomUUID() + "-never-leak";
    static final String CONTROL_DLQ = "generation.control.image-worker.dlq";
    private static final List<String> WATCHED = List.of(Topics.STATUS, Topics.MEDIA_READY, Topics.dlq(Topics.IMAGE_REQUESTED),
            CONTROL_DLQ);

    final String database;
    final String group;
    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;
    private final List<ConsumerRecord<String, byte[]>> seen = new CopyOnWriteArrayList<>();
    private final Thread reader;
    private volatile boolean closed;

    WorkerHarness(String name) {
        this.database = name + "_" + Long.toHexString(System.nanoTime());
        this.group = name + "-" + UUID.randomUUID();
        TestServers.postgres().createDatabase(database);
        var kafka = TestServers.kafka().bootstrapServers();
        startGroupAtTheEnd(kafka, Topics.IMAGE_REQUESTED, group);
        startGroupAtTheEnd(kafka, Topics.CONTROL, group + "-control");
        var producerConfig = new Properties();
        producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new ByteArraySerializer());
        var consumerConfig = new Properties();
        consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        this.consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(), new ByteArrayDeserializer());
        var partitions = new ArrayList<TopicPartition>();
        for (var topic : WATCHED) {
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve "end" now, before any test sends
        this.reader = new Thread(this::read, "worker-harness-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * A new group would read the topic from the start (the binder's default), including other
     * test classes' jobs: commit the current end offsets for it first.
     */
    private static void startGroupAtTheEnd(String kafka, String topic, String group) {
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (var admin = Admin.create(config)) {
            var partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions();
            var latest = new HashMap<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>();
            partitions.forEach(p -> latest.put(new TopicPartition(topic, p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            var offsets = new HashMap<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>();
            ends.forEach((partition, end) -> offsets.put(partition, new org.apache.kafka.clients.consumer.OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot position group " + group, e);
        }
    }

    private void read() {
        while (!closed) {
            try {
                consumer.poll(Duration.ofMillis(100)).forEach(seen::add);
            } catch (RuntimeException e) {
                if (!closed) {
                    throw e;
                }
            }
        }
        consumer.close();
    }

    /** The worker alone, as a person would run it, with test settings as command-line arguments. */
    ConfigurableApplicationContext startWorker(String simulatorUrl, Map<String, String> extra) {
        return ImageWorkerApplication.builder().web(WebApplicationType.NONE)
                .run(SpringProperties.asArguments(properties(simulatorUrl, extra)));
    }

    /** The test settings of a worker of this harness (its database, groups, the simulator), {@code extra} last. */
    Map<String, String> properties(String simulatorUrl, Map<String, String> extra) {
        var properties = new HashMap<String, String>();
        properties.putAll(TestServers.kafkaProperties());
        properties.putAll(TestServers.postgres().springProperties(database));
        properties.put("desayre.modelslabs.base-url", simulatorUrl);
        properties.put("desayre.modelslabs.api-key", KEY);
        properties.put("desayre.modelslabs.source-base-url", simulatorUrl + "/outputs");
        properties.put("desayre.modelslabs.poll-min", "100ms");
        properties.put("desayre.modelslabs.poll-max", "400ms");
        properties.put("desayre.image-worker.tick", "100ms");
        properties.put("desayre.image-worker.lease", "15s");
        properties.put("spring.cloud.stream.bindings.generateImage-in-0.group", group);
        properties.put("spring.cloud.stream.bindings.controlImage-in-0.group", group + "-control");
        properties.put("resilience4j.retry.configs.default.max-attempts", "3");
        properties.put("resilience4j.retry.configs.default.wait-duration", "100ms");
        properties.put("resilience4j.retry.configs.default.exponential-max-wait-duration", "1s");
        properties.put("resilience4j.timelimiter.configs.default.timeout-duration", "2s");
        properties.put("resilience4j.timelimiter.instances.modelslabs-fetch.timeout-duration", "2s");
        // the failure tests must not open the shared breaker; the breaker test uses its own model
        properties.put("resilience4j.circuitbreaker.configs.default.sliding-window-size", "1000");
        properties.put("resilience4j.circuitbreaker.configs.default.minimum-number-of-calls", "1000");
        properties.put("spring.main.banner-mode", "off");
        properties.putAll(extra);
        return properties;
    }

    static JobSpec spec(JobKind kind, String prompt, String sourceMediaKey) {
        return new JobSpec("tester", kind, prompt, "16:9", 1376, 768, 7L, null, true, Priority.INTERACTIVE, sourceMediaKey, null, null);
    }

    static EncodedJob job(String prompt) {
        return job("nano-banana-pro", prompt);
    }

    static EncodedJob job(String model, String prompt) {
        var spec = spec(JobKind.IMAGE, prompt, null);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("modelslabs", model, Priority.INTERACTIVE),
                prompt, null, "test");
    }

    RecordMetadata send(EncodedJob job) {
        try {
            return producer.send(new ProducerRecord<>(Topics.IMAGE_REQUESTED, job.jobId(), EventJson.write(job))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A record as raw bytes (null for a tombstone), e.g. one that is not JSON. */
    RecordMetadata sendRaw(String topic, String key, byte[] value) {
        try {
            return producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the gateway publishes when a user cancels a job. */
    void cancel(String jobId) {
        try {
            producer.send(new ProducerRecord<>(Topics.CONTROL, jobId, EventJson.write(
                    ControlRequested.of(jobId, ControlRequested.Action.CANCEL, "tester", "tester")))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the gateway publishes when an admin pauses or resumes one of the image-worker's lanes. */
    void switchLane(com.desayre.contracts.Priority lane, boolean paused) {
        try {
            producer.send(new ProducerRecord<>(Topics.LANE_SWITCHES, com.desayre.contracts.LaneSwitched.key("image-worker", lane),
                    EventJson.write(com.desayre.contracts.LaneSwitched.of("image-worker", lane, paused, "tester", "a test")))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<ConsumerRecord<String, byte[]>> records(String topic, String jobId) {
        return seen.stream().filter(r -> r.topic().equals(topic) && jobId.equals(r.key())).toList();
    }

    List<StatusChanged> statuses(String jobId) {
        return records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class)).toList();
    }

    List<MediaReady> media(String jobId) {
        return records(Topics.MEDIA_READY, jobId).stream().map(r -> EventJson.read(r.value(), MediaReady.class)).toList();
    }

    List<ConsumerRecord<String, byte[]>> deadLetters(String jobId) {
        return records(Topics.dlq(Topics.IMAGE_REQUESTED), jobId);
    }

    /** Every byte the worker published while this harness watched, as text. */
    String everythingPublished() {
        var all = new StringBuilder();
        for (var record : seen) {
            all.append(new String(record.value(), StandardCharsets.UTF_8));
            record.headers().forEach(h -> all.append(h.key()).append('=').append(new String(h.value(), StandardCharsets.UTF_8)));
        }
        return all.toString();
    }

    StatusChanged awaitStatus(String jobId, JobStatus status) {
        return awaitStatus(jobId, s -> s.status() == status);
    }

    StatusChanged awaitStatus(String jobId, Predicate<StatusChanged> wanted) {
        return await().atMost(Duration.ofSeconds(60)).until(
                () -> statuses(jobId).stream().filter(wanted).findFirst().orElse(null), s -> s != null);
    }

    MediaReady awaitMedia(String jobId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> media(jobId).stream().findFirst().orElse(null), m -> m != null);
    }

    ConsumerRecord<String, byte[]> awaitDeadLetter(String jobId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> deadLetters(jobId).stream().findFirst().orElse(null), r -> r != null);
    }

    /** Waits until the worker's group has committed past {@code sent}: the record was handled. */
    void awaitCommitted(RecordMetadata sent) {
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers());
        try (var admin = Admin.create(config)) {
            var partition = new TopicPartition(sent.topic(), sent.partition());
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                var offsets = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                var committed = offsets.get(partition);
                return committed != null && committed.offset() > sent.offset();
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        producer.close();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
