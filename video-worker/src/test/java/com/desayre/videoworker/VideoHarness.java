package com.desayre.videoworker;

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
import com.desayre.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The video-worker alone on the test kit's real Kafka and PostgreSQL (its own database and
 * consumer group per test class), a producer for its two input topics, and a probe on everything
 * it publishes.
 */
final class VideoHarness implements AutoCloseable {
    static final String KEY = "xai-test-" + UUID.randomUUID() + "-never-leak";
    static final String DLQ = Topics.dlq(Topics.VIDEO_REQUESTED);
    static final String MODEL = "grok-imagine-video";

    final String database;
    final String group;
    private final KafkaProducer<String, byte[]> producer;
    private final TopicProbe probe;

    VideoHarness(String name) {
        this.database = name + "_" + Long.toHexString(System.nanoTime());
        this.group = name + "-" + UUID.randomUUID();
        TestServers.postgres().createDatabase(database);
        var kafka = TestServers.kafka();
        startGroupAtTheEnd(kafka.bootstrapServers());
        var config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.probe = TopicProbe.watch(kafka, Topics.STATUS, Topics.MEDIA_READY, DLQ);
    }

    /** A new group would read its topics from the start, other test classes' jobs included: commit their ends first. */
    private void startGroupAtTheEnd(String kafka) {
        var config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (var admin = Admin.create(config)) {
            var latest = new HashMap<TopicPartition, OffsetSpec>();
            for (var topic : List.of(Topics.VIDEO_REQUESTED, Topics.CONTROL)) {
                admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            }
            var offsets = new HashMap<TopicPartition, OffsetAndMetadata>();
            admin.listOffsets(latest).all().get().forEach((partition, end) -> offsets.put(partition, new OffsetAndMetadata(end.offset())));
            admin.alterConsumerGroupOffsets(group, offsets).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot position group " + group, e);
        }
    }

    /** The worker as a person would run it, with test settings as command-line arguments. */
    ConfigurableApplicationContext startWorker(String simulatorUrl, Map<String, String> extra) {
        var properties = new HashMap<String, String>();
        properties.putAll(TestServers.kafkaProperties());
        properties.putAll(TestServers.postgres().springProperties(database));
        properties.put("desayre.xai.base-url", simulatorUrl);
        properties.put("desayre.xai.api-key", KEY);
        properties.put("desayre.xai.source-base-url", simulatorUrl + "/outputs");
        properties.put("desayre.xai.poll-min", "100ms");
        properties.put("desayre.xai.poll-max", "400ms");
        properties.put("desayre.video-worker.tick", "100ms");
        properties.put("desayre.video-worker.lease", "15s");
        properties.put("desayre.video-worker.progress-every", "300ms");
        properties.put("spring.cloud.stream.bindings.generateVideo-in-0.group", group);
        properties.put("spring.cloud.stream.bindings.controlVideo-in-0.group", group);
        properties.put("resilience4j.retry.configs.default.max-attempts", "3");
        properties.put("resilience4j.retry.configs.default.wait-duration", "100ms");
        properties.put("resilience4j.retry.configs.default.exponential-max-wait-duration", "1s");
        properties.put("resilience4j.timelimiter.configs.default.timeout-duration", "2s");
        properties.put("resilience4j.timelimiter.instances.xai-fetch.timeout-duration", "2s");
        properties.put("resilience4j.circuitbreaker.configs.default.sliding-window-size", "1000");
        properties.put("resilience4j.circuitbreaker.configs.default.minimum-number-of-calls", "1000");
        properties.put("spring.main.banner-mode", "off");
        properties.putAll(extra);
        return VideoWorkerApplication.builder().web(WebApplicationType.NONE).run(SpringProperties.asArguments(properties));
    }

    static EncodedJob job(String prompt) {
        return job(MODEL, prompt, null, 2, "480p");
    }

    static EncodedJob job(String model, String prompt, String sourceMediaKey, Integer seconds, String resolution) {
        var spec = new JobSpec("tester", JobKind.VIDEO, prompt, "16:9", 1280, 720, null, null, true, Priority.INTERACTIVE,
                sourceMediaKey, seconds, resolution);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("xai", model, Priority.INTERACTIVE), prompt, null, "test");
    }

    void send(EncodedJob job) {
        send(Topics.VIDEO_REQUESTED, job.jobId(), EventJson.write(job));
    }

    void cancel(String jobId) {
        send(Topics.CONTROL, jobId, EventJson.write(ControlRequested.of(jobId, ControlRequested.Action.CANCEL, "tester", "tester")));
    }

    /** What the gateway publishes when an admin pauses or resumes one of the video-worker's lanes. */
    void switchLane(Priority lane, boolean paused) {
        send(Topics.LANE_SWITCHES, com.desayre.contracts.LaneSwitched.key("video-worker", lane),
                EventJson.write(com.desayre.contracts.LaneSwitched.of("video-worker", lane, paused, "tester", "a test")));
    }

    private void send(String topic, String key, byte[] value) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<TopicProbe.Seen> records(String topic, String jobId) {
        return probe.records(topic, jobId);
    }

    List<StatusChanged> statuses(String jobId) {
        return records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class)).toList();
    }

    List<JobStatus> statusList(String jobId) {
        return statuses(jobId).stream().map(StatusChanged::status).toList();
    }

    List<MediaReady> media(String jobId) {
        return records(Topics.MEDIA_READY, jobId).stream().map(r -> EventJson.read(r.value(), MediaReady.class)).toList();
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

    TopicProbe.Seen awaitDeadLetter(String jobId) {
        return await().atMost(Duration.ofSeconds(60)).until(() -> records(DLQ, jobId).stream().findFirst().orElse(null), r -> r != null);
    }

    /** The job's row in the worker's own table: state and polls made. */
    Map<String, Object> row(String jobId) {
        var pg = TestServers.postgres();
        try (var connection = DriverManager.getConnection(pg.jdbcUrl(database), pg.username(), pg.password());
             var query = connection.prepareStatement("select state, polls from video_worker.video_worker_jobs where job_id = ?")) {
            query.setString(1, jobId);
            try (var result = query.executeQuery()) {
                return result.next() ? Map.of("state", result.getString(1), "polls", result.getInt(2)) : Map.of();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every byte the worker published while this harness watched, as text. */
    String everythingPublished() {
        var all = new StringBuilder();
        for (var topic : List.of(Topics.STATUS, Topics.MEDIA_READY, DLQ)) {
            probe.all().stream().filter(r -> r.topic().equals(topic)).forEach(r -> all.append(r.value()).append(r.headers()));
        }
        return all.toString();
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        producer.close();
        probe.close();
    }
}
