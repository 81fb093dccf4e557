package com.desayre.encoder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.AccountChanged;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.SpringProperties;
import com.desayre.testsupport.HaltAfterPoll;
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;

/**
 * The batch hand-off's crash guarantee, with a real crash: the prompt-encoder runs in a JVM of its own
 * ({@link HaltAfterFirstPoll}) that halts after its poll's sends were acknowledged and before the poll's offsets
 * were committed. Nothing is lost (the ENCODED status and the job are in Kafka), the request is delivered again to
 * the restarted stage, and what it sends again is the same job (deterministic encoding, same key): the worker's
 * intake keeps one job per id ({@code JobStore.insertIfAbsent}), so the user sees one job.
 */
class EncoderCrashIT {
    private static final String TOPIC = "crash-test.generation.requested";
    private static final String GROUP = "prompt-encoder-crash-test";
    private static final Path LOG = Path.of(System.getProperty("java.io.tmpdir"), "encoder-crash-test.log");

    @Test
    void aStageKilledBetweenItsAcknowledgedSendsAndItsCommitLosesNothingAndRepeatsTheSameJob() throws Exception {
        var kafka = TestServers.kafka();
        kafka.createTopics(List.of(TOPIC), 1);
        var properties = new HashMap<>(SpringProperties.kafka(kafka));
        properties.put("spring.cloud.stream.bindings.encode-in-0.destination", TOPIC);
        properties.put("spring.cloud.stream.bindings.encode-in-0.group", GROUP);
        // the dead member leaves the group after its session, not the default 45 s: the restarted stage gets the partition soon
        properties.put("spring.cloud.stream.kafka.bindings.encode-in-0.consumer.configuration.session.timeout.ms", "6000");
        properties.put("spring.cloud.stream.kafka.bindings.encode-in-0.consumer.configuration.heartbeat.interval.ms", "1000");
        var jobId = UUID.randomUUID().toString();
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
             var probe = TopicProbe.watch(kafka, Topics.IMAGE_REQUESTED, Topics.STATUS);
             var admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            producer.send(new ProducerRecord<>(Topics.ACCOUNTS, "crash-ada".getBytes(StandardCharsets.UTF_8),
                    EventJson.write(AccountChanged.of("crash-ada", true)))).get();
            var spec = new JobSpec("crash-ada", JobKind.IMAGE, "a lighthouse in a storm", "16:9", 1376, 768, null, null, true,
                    Priority.INTERACTIVE, null, null, null);
            producer.send(new ProducerRecord<>(TOPIC, jobId.getBytes(StandardCharsets.UTF_8),
                    EventJson.write(GenerationRequested.of(jobId, spec)))).get();

            var crashed = HaltAfterPoll.fork(HaltAfterFirstPoll.class, properties, LOG);
            assertThat(crashed.waitFor(3, TimeUnit.MINUTES)).as("the forked stage halted").isTrue();
            assertThat(crashed.exitValue()).as("halted by HaltAfterFirstPoll (its log: %s)", LOG).isEqualTo(HaltAfterFirstPoll.EXIT);

            // its sends were acknowledged before it died: the status and the job are in Kafka ...
            await().atMost(Duration.ofSeconds(30)).until(() -> probe.records(Topics.IMAGE_REQUESTED, jobId).size() == 1
                    && probe.has(Topics.STATUS, jobId, r -> r.value().contains("ENCODED")));
            // ... and its input was not committed
            assertThat(committed(admin)).isNull();

            try (var restarted = PromptEncoderApplication.builder().web(WebApplicationType.NONE)
                    .run(SpringProperties.asArguments(properties))) {
                await().atMost(Duration.ofSeconds(60)).until(() -> probe.records(Topics.IMAGE_REQUESTED, jobId).size() == 2
                        && Long.valueOf(1).equals(committed(admin)));
            }
            var jobs = probe.records(Topics.IMAGE_REQUESTED, jobId).stream().map(r -> EventJson.read(r.value(), EncodedJob.class)).toList();
            assertThat(jobs.get(1)).as("the redelivered request is the same job").usingRecursiveComparison()
                    .ignoringFields("eventId", "occurredAt").isEqualTo(jobs.get(0));
            var statuses = probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class)).toList();
            assertThat(statuses).extracting(StatusChanged::status).containsOnly(JobStatus.ENCODED);
            assertThat(statuses).extracting(StatusChanged::encoding).containsOnly(statuses.get(0).encoding());
        }
    }

    /** The group's committed offset on the test topic, or null. */
    private static Long committed(Admin admin) throws Exception {
        var offsets = admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        var offset = offsets.get(new TopicPartition(TOPIC, 0));
        return offset == null ? null : offset.offset();
    }
}
