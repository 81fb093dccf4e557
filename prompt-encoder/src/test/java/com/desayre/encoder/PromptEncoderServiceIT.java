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
import com.desayre.testsupport.TestServers;
import com.desayre.testsupport.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.context.ConfigurableApplicationContext;

/** The prompt-encoder service through the real broker: encoded jobs, rejections, and the DLQ. */
class PromptEncoderServiceIT {
    private static ConfigurableApplicationContext service;
    private static KafkaProducer<byte[], byte[]> producer;
    private static final int IMAGE_TOPIC_LIMIT = 6000;

    @BeforeAll
    static void start() {
        var kafka = TestServers.kafka();
        var properties = new java.util.HashMap<>(SpringProperties.kafka(kafka));
        // a small limit on the image topic, so a long prompt's encoded job is too large for its next hop
        properties.put("spring.cloud.stream.kafka.bindings[" + Topics.IMAGE_REQUESTED + "].producer.configuration.max.request.size",
                String.valueOf(IMAGE_TOPIC_LIMIT));
        service = PromptEncoderApplication.builder().web(WebApplicationType.NONE)
                .run(SpringProperties.asArguments(properties));
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        account("ada", true);
        account("eve", false);
    }

    /** What the gateway writes for each account. */
    private static void account(String username, boolean enabled) {
        try {
            producer.send(new ProducerRecord<>(Topics.ACCOUNTS, username.getBytes(StandardCharsets.UTF_8),
                    EventJson.write(AccountChanged.of(username, enabled)))).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterAll
    static void stop() {
        producer.close();
        service.close();
    }

    private static JobSpec spec(String prompt, String profile) {
        return new JobSpec("ada", JobKind.IMAGE, prompt, "16:9", 1376, 768, null, profile, true, Priority.BATCH, null, null, null);
    }

    private static void publish(String jobId, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(Topics.REQUESTED, jobId.getBytes(StandardCharsets.UTF_8), value)).get();
    }

    @Test
    void aRequestIsEncodedRoutedAndAnnouncedWithWhatWillBeSent() throws Exception {
        var jobId = UUID.randomUUID().toString();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.IMAGE_REQUESTED, Topics.STATUS)) {
            publish(jobId, EventJson.write(GenerationRequested.of(jobId, spec("woman reading in a cafe", "editorial"))));

            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.records(Topics.IMAGE_REQUESTED, jobId).isEmpty()
                    && !probe.records(Topics.STATUS, jobId).isEmpty());
            var job = EventJson.read(probe.records(Topics.IMAGE_REQUESTED, jobId).get(0).value(), EncodedJob.class);
            assertThat(job.encodedPrompt()).startsWith("woman reading in a cafe, ").contains("editorial photography");
            assertThat(job.route().model()).isEqualTo("nano-banana-pro");
            assertThat(job.route().lane()).isEqualTo(Priority.BATCH);
            assertThat(job.encoderVersion()).startsWith("enc1+editorial.");

            var status = EventJson.read(probe.records(Topics.STATUS, jobId).get(0).value(), StatusChanged.class);
            assertThat(status.status()).isEqualTo(JobStatus.ENCODED);
            assertThat(status.encoding().prompt()).isEqualTo(job.encodedPrompt());
            assertThat(status.encoding().profile()).isEqualTo("editorial");
            assertThat(status.encoding().encoderVersion()).isEqualTo(job.encoderVersion());
        }
    }

    @Test
    void aVideoRequestIsEncodedForXaiAndGoesToTheVideoTopicWithItsOptions() throws Exception {
        var jobId = UUID.randomUUID().toString();
        var spec = new JobSpec("ada", JobKind.VIDEO, "waves rolling onto a beach", "16:9", 1280, 720, null, null, true,
                Priority.INTERACTIVE, null, 6, "720p");
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.VIDEO_REQUESTED, Topics.IMAGE_REQUESTED, Topics.STATUS)) {
            publish(jobId, EventJson.write(GenerationRequested.of(jobId, spec)));

            await().atMost(Duration.ofSeconds(30)).until(() -> !probe.records(Topics.VIDEO_REQUESTED, jobId).isEmpty()
                    && probe.has(Topics.STATUS, jobId, r -> r.value().contains("ENCODED")));
            var job = EventJson.read(probe.records(Topics.VIDEO_REQUESTED, jobId).get(0).value(), EncodedJob.class);
            assertThat(job.route().provider()).isEqualTo("xai");
            assertThat(job.route().model()).isEqualTo("grok-imagine-video");
            assertThat(job.spec().durationSeconds()).isEqualTo(6);
            assertThat(job.spec().resolution()).isEqualTo("720p");
            assertThat(job.encodedPrompt()).startsWith("waves rolling onto a beach");
            assertThat(probe.records(Topics.IMAGE_REQUESTED, jobId)).isEmpty();
        }
    }

    @Test
    void aRejectedPromptFailsTheJobWithACodeAndReachesNoProvider() throws Exception {
        var blocked = UUID.randomUUID().toString();
        var unknownProfile = UUID.randomUUID().toString();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.IMAGE_REQUESTED, Topics.STATUS)) {
            publish(blocked, EventJson.write(GenerationRequested.of(blocked, spec("a CSAM poster", null))));
            publish(unknownProfile, EventJson.write(GenerationRequested.of(unknownProfile, spec("a cat", "noir"))));

            await().atMost(Duration.ofSeconds(30)).until(() -> probe.has(Topics.STATUS, blocked, r -> r.value().contains("FAILED"))
                    && probe.has(Topics.STATUS, unknownProfile, r -> r.value().contains("FAILED")));
            var failed = EventJson.read(probe.records(Topics.STATUS, blocked).get(0).value(), StatusChanged.class);
            assertThat(failed.error().code()).isEqualTo("PROMPT_REJECTED");
            assertThat(failed.error().message()).contains("Rephrase");
            var unknown = EventJson.read(probe.records(Topics.STATUS, unknownProfile).get(0).value(), StatusChanged.class);
            assertThat(unknown.error().code()).isEqualTo("UNKNOWN_PROFILE");
            assertThat(probe.records(Topics.IMAGE_REQUESTED, blocked)).isEmpty();
            assertThat(probe.records(Topics.IMAGE_REQUESTED, unknownProfile)).isEmpty();
        }
    }

    @Test
    void aPoisonRecordGoesToTheDlqWithItsFailureAndTheNextRecordStillFlows() throws Exception {
        var poison = "poison-" + UUID.randomUUID();
        var next = UUID.randomUUID().toString();
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.dlq(Topics.REQUESTED), Topics.IMAGE_REQUESTED)) {
            publish(poison, "{this is not json".getBytes(StandardCharsets.UTF_8));
            publish(next, EventJson.write(GenerationRequested.of(next, spec("a lighthouse", null))));

            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.records(Topics.dlq(Topics.REQUESTED), poison).isEmpty()
                    && !probe.records(Topics.IMAGE_REQUESTED, next).isEmpty());
            var dead = probe.records(Topics.dlq(Topics.REQUESTED), poison).get(0);
            assertThat(dead.value()).isEqualTo("{this is not json");
            assertThat(dead.headers()).containsKey("x-exception-message").containsEntry("x-original-topic", Topics.REQUESTED);
        }
    }

    @Test
    void recordsThatBreakTheRequestRulesFailTheirJobAndGoToTheDlqOnTheFirstDelivery() throws Exception {
        var nul = UUID.randomUUID().toString();
        var wrongSize = UUID.randomUUID().toString();
        var evil = "../../etc/evil";
        var tombstone = UUID.randomUUID().toString();
        var empty = UUID.randomUUID().toString();
        var next = UUID.randomUUID().toString();
        var dlq = Topics.dlq(Topics.REQUESTED);
        try (var probe = TopicProbe.watch(TestServers.kafka(), dlq, Topics.IMAGE_REQUESTED, Topics.STATUS)) {
            publish(nul, EventJson.write(GenerationRequested.of(nul, spec("a cat \u0000 on a mat", null))));
            publish(wrongSize, EventJson.write(GenerationRequested.of(wrongSize, new JobSpec("ada", JobKind.IMAGE, "a cat", "16:9",
                    4096, 4096, null, null, true, Priority.BATCH, null))));
            publish(evil, EventJson.write(GenerationRequested.of(evil, spec("a cat", null))));
            publish(tombstone, null);
            publish(empty, new byte[0]);
            publish(next, EventJson.write(GenerationRequested.of(next, spec("a lighthouse", null))));

            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.records(Topics.IMAGE_REQUESTED, next).isEmpty()
                    && java.util.stream.Stream.of(nul, wrongSize, evil, tombstone, empty).allMatch(id -> !probe.records(dlq, id).isEmpty())
                    && probe.has(Topics.STATUS, nul, r -> r.value().contains("FAILED"))
                    && probe.has(Topics.STATUS, wrongSize, r -> r.value().contains("FAILED")));
            for (var id : java.util.List.of(nul, wrongSize, evil, tombstone, empty)) {
                assertThat(probe.records(dlq, id)).as("dead letters of %s", id).hasSize(1);
                assertThat(probe.records(dlq, id).get(0).headers()).containsEntry("x-original-topic", Topics.REQUESTED)
                        .containsKey("x-exception-message");
                assertThat(probe.records(Topics.IMAGE_REQUESTED, id)).isEmpty();
            }
            var failed = EventJson.read(probe.records(Topics.STATUS, nul).get(0).value(), StatusChanged.class);
            assertThat(failed.error().code()).isEqualTo("INVALID_REQUEST");
            assertThat(failed.error().message()).contains("spec.prompt");
            assertThat(failed.ownerId()).isEqualTo("ada");
            assertThat(EventJson.read(probe.records(Topics.STATUS, wrongSize).get(0).value(), StatusChanged.class).error().message())
                    .contains("spec.width");
            assertThat(probe.records(Topics.STATUS, evil)).isEmpty();
        }
    }

    /** The job fails JOB_TOO_LARGE in its own trace, as every other status of a job (docs/tracing.md). */
    @Test
    void aJobTooLargeForItsNextHopFailsAndItsRequestGoesToTheDlq() throws Exception {
        var jobId = UUID.randomUUID().toString();
        var prompt = "a very detailed harbour scene with boats, ".repeat(100).substring(0, 3900);
        var traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        try (var probe = TopicProbe.watch(TestServers.kafka(), Topics.dlq(Topics.REQUESTED), Topics.IMAGE_REQUESTED, Topics.STATUS)) {
            var request = new ProducerRecord<>(Topics.REQUESTED, jobId.getBytes(StandardCharsets.UTF_8),
                    EventJson.write(GenerationRequested.of(jobId, spec(prompt, null))));
            request.headers().add("traceparent", traceparent.getBytes(StandardCharsets.ISO_8859_1));
            producer.send(request).get();

            await().atMost(Duration.ofSeconds(60)).until(() -> probe.has(Topics.STATUS, jobId, r -> r.value().contains("FAILED"))
                    && !probe.records(Topics.dlq(Topics.REQUESTED), jobId).isEmpty());
            var failed = probe.records(Topics.STATUS, jobId).stream().map(r -> EventJson.read(r.value(), StatusChanged.class))
                    .filter(status -> status.status() == JobStatus.FAILED).findFirst().orElseThrow();
            assertThat(failed.error().code()).isEqualTo("JOB_TOO_LARGE");
            assertThat(probe.records(Topics.IMAGE_REQUESTED, jobId)).isEmpty();
            assertThat(probe.records(Topics.dlq(Topics.REQUESTED), jobId)).hasSize(1);
            // the job's trace: on each of its statuses, the FAILED included, and on the dead letter
            assertThat(probe.records(Topics.STATUS, jobId))
                    .allSatisfy(r -> assertThat(r.headers().get("traceparent")).contains("4bf92f3577b34da6a3ce929d0e0e4736"));
            assertThat(probe.records(Topics.dlq(Topics.REQUESTED), jobId).get(0).headers().get("traceparent"))
                    .contains("4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    @Test
    void aJobOfAnUnknownOrDisabledOwnerFailsAndOneOfAnAccountMadeAMomentAgoRuns() throws Exception {
        var unknown = UUID.randomUUID().toString();
        var disabled = UUID.randomUUID().toString();
        var fresh = UUID.randomUUID().toString();
        var dlq = Topics.dlq(Topics.REQUESTED);
        try (var probe = TopicProbe.watch(TestServers.kafka(), dlq, Topics.IMAGE_REQUESTED, Topics.STATUS)) {
            publish(unknown, EventJson.write(GenerationRequested.of(unknown, owned("nobody-" + unknown))));
            publish(disabled, EventJson.write(GenerationRequested.of(disabled, owned("eve"))));
            var newUser = "new-" + fresh;
            account(newUser, true);
            publish(fresh, EventJson.write(GenerationRequested.of(fresh, owned(newUser))));

            await().atMost(Duration.ofSeconds(60)).until(() -> !probe.records(Topics.IMAGE_REQUESTED, fresh).isEmpty()
                    && probe.has(Topics.STATUS, unknown, r -> r.value().contains("FAILED"))
                    && probe.has(Topics.STATUS, disabled, r -> r.value().contains("FAILED"))
                    && !probe.records(dlq, unknown).isEmpty() && !probe.records(dlq, disabled).isEmpty());
            for (var id : java.util.List.of(unknown, disabled)) {
                var failed = EventJson.read(probe.records(Topics.STATUS, id).get(0).value(), StatusChanged.class);
                assertThat(failed.error().code()).isEqualTo("OWNER_NOT_ALLOWED");
                assertThat(probe.records(Topics.IMAGE_REQUESTED, id)).isEmpty();
                assertThat(probe.records(dlq, id)).hasSize(1);
            }
        }
    }

    private static JobSpec owned(String owner) {
        return new JobSpec(owner, JobKind.IMAGE, "a cat", "16:9", 1376, 768, null, null, true, Priority.BATCH, null);
    }
}
