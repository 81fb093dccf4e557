package com.desayre.encoder;

import static org.assertj.core.api.Assertions.assertThat;

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
import com.desayre.contracts.UnusableRecordException;
import com.desayre.embedded.SpringProperties;
import com.desayre.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.cloud.stream.binder.test.OutputDestination;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The {@code encode} binding on the test binder: a record in on {@code generation.requested}, the
 * records out with their keys. Only the binder is replaced: the accounts still come from the real
 * broker's compacted {@code generation.accounts} (read by {@link Owners} with a plain consumer, not a
 * binding). The binding is a batch binding: each test hands it a poll (a list with list headers). A refused record
 * is seen on the DLQ once, with the failure headers, and never on the error channel (it is not a listener failure);
 * the real broker's side is {@code PromptEncoderServiceIT}'s.
 */
@SpringBootTest(classes = PromptEncoderApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=desayre-platform,prompt-encoder", "spring.application.name=prompt-encoder"})
@EnableTestBinder
// closed after the class: the other ITs of this JVM run without it in the background
@DirtiesContext
class EncodeBindingIT {
    private static final String KEY = "kafka_messageKey";
    private static final long WAIT_MS = 5_000;
    private static final String DLQ = Topics.dlq(Topics.REQUESTED);

    @Autowired
    private InputDestination input;
    @Autowired
    private OutputDestination output;
    @Autowired
    private MeterRegistry meters;
    @Autowired
    @Qualifier("errorChannel")
    private SubscribableChannel errors;
    private final List<ErrorMessage> failed = new CopyOnWriteArrayList<>();
    private final MessageHandler collect = message -> {
        if (message instanceof ErrorMessage error) {
            failed.add(error);
        }
    };

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        SpringProperties.kafka(TestServers.kafka()).forEach((key, value) -> registry.add(key, () -> value));
    }

    /** What the gateway writes for each account. */
    @BeforeAll
    static void accounts() throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestServers.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            for (var account : List.of(AccountChanged.of("grace", true), AccountChanged.of("mallory", false))) {
                producer.send(new ProducerRecord<>(Topics.ACCOUNTS, account.username().getBytes(StandardCharsets.UTF_8),
                        EventJson.write(account))).get();
            }
        }
    }

    @BeforeEach
    void watchErrors() {
        output.clear();
        errors.subscribe(collect);
    }

    @AfterEach
    void stopWatching() {
        errors.unsubscribe(collect);
    }

    private static JobSpec spec(String owner, JobKind kind, String prompt) {
        var video = kind == JobKind.VIDEO;
        return new JobSpec(owner, kind, prompt, "16:9", video ? 1280 : 1376, video ? 720 : 768, null, null, true, Priority.INTERACTIVE, null,
                kind == JobKind.VIDEO ? 6 : null, kind == JobKind.VIDEO ? "720p" : null);
    }

    private long offset;

    /** One request as a poll of one record, as the Kafka binder hands a batch binding its poll: headers are lists. */
    private void request(String jobId, byte[] value) {
        requests(Map.of(jobId, value == null ? new byte[0] : value));
    }

    /** Several requests in one poll, in the map's order. */
    private void requests(Map<String, byte[]> byJob) {
        var keys = byJob.keySet().stream().map(id -> (Object) id.getBytes(StandardCharsets.UTF_8)).toList();
        var n = byJob.size();
        var offsets = java.util.stream.LongStream.range(offset, offset + n).boxed().toList();
        offset += n;
        input.send(MessageBuilder.withPayload(List.copyOf(byJob.values()))
                .setHeader("kafka_receivedMessageKey", keys)
                .setHeader("kafka_receivedTopic", java.util.Collections.nCopies(n, Topics.REQUESTED))
                .setHeader("kafka_receivedPartitionId", java.util.Collections.nCopies(n, 0))
                .setHeader("kafka_offset", offsets)
                .setHeader("kafka_receivedTimestamp", java.util.Collections.nCopies(n, System.currentTimeMillis()))
                .build(), Topics.REQUESTED);
    }

    /** The dead letters that came out, each checked for the binder's failure headers. */
    private List<Message<byte[]>> deadLetters() {
        var dead = new java.util.ArrayList<Message<byte[]>>();
        for (Message<byte[]> m = output.receive(WAIT_MS, DLQ); m != null; m = output.receive(200, DLQ)) {
            assertThat(m.getHeaders()).containsKey("x-exception-message");
            assertThat(new String((byte[]) m.getHeaders().get("x-original-topic"), StandardCharsets.UTF_8)).isEqualTo(Topics.REQUESTED);
            dead.add(m);
        }
        return dead;
    }

    private static String key(Message<byte[]> message) {
        return new String((byte[]) message.getHeaders().get(KEY), StandardCharsets.UTF_8);
    }

    private StatusChanged status() {
        var message = output.receive(WAIT_MS, Topics.STATUS);
        assertThat(message).as("a record on %s", Topics.STATUS).isNotNull();
        var status = EventJson.read(message.getPayload(), StatusChanged.class);
        assertThat(key(message)).isEqualTo(status.jobId());
        return status;
    }

    private double refused(String code) {
        var counter = meters.find("desayre.encoder.requests.refused").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }

    @Test
    void anImageRequestComesOutEncodedOnTheImageTopicKeyedByItsJobAfterItsEncodedStatus() {
        var jobId = UUID.randomUUID().toString();

        request(jobId, EventJson.write(GenerationRequested.of(jobId, spec("grace", JobKind.IMAGE, "a lighthouse at dusk"))));

        var status = status();
        assertThat(status.jobId()).isEqualTo(jobId);
        assertThat(status.status()).isEqualTo(JobStatus.ENCODED);
        var out = output.receive(WAIT_MS, Topics.IMAGE_REQUESTED);
        assertThat(out).isNotNull();
        assertThat(key(out)).isEqualTo(jobId);
        var job = EventJson.read(out.getPayload(), EncodedJob.class);
        assertThat(job.jobId()).isEqualTo(jobId);
        assertThat(job.route().model()).isEqualTo("nano-banana-pro");
        assertThat(job.route().lane()).isEqualTo(Priority.INTERACTIVE);
        assertThat(job.encodedPrompt()).startsWith("a lighthouse at dusk").isEqualTo(status.encoding().prompt());
        assertThat(output.receive(100, Topics.VIDEO_REQUESTED)).isNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void aVideoRequestGoesToTheVideoTopicWithItsOptions() {
        var jobId = UUID.randomUUID().toString();

        request(jobId, EventJson.write(GenerationRequested.of(jobId, spec("grace", JobKind.VIDEO, "waves on a beach"))));

        assertThat(status().status()).isEqualTo(JobStatus.ENCODED);
        var out = output.receive(WAIT_MS, Topics.VIDEO_REQUESTED);
        assertThat(out).isNotNull();
        assertThat(key(out)).isEqualTo(jobId);
        var job = EventJson.read(out.getPayload(), EncodedJob.class);
        assertThat(job.route().provider()).isEqualTo("xai");
        assertThat(job.spec().durationSeconds()).isEqualTo(6);
        assertThat(output.receive(100, Topics.IMAGE_REQUESTED)).isNull();
    }

    @Test
    void aPromptTheEncoderRejectsFailsTheJobAndIsNotARecordFailure() {
        var jobId = UUID.randomUUID().toString();

        request(jobId, EventJson.write(GenerationRequested.of(jobId, spec("grace", JobKind.IMAGE, "a CSAM poster"))));

        var status = status();
        assertThat(status.status()).isEqualTo(JobStatus.FAILED);
        assertThat(status.error().code()).isEqualTo("PROMPT_REJECTED");
        assertThat(output.receive(100, Topics.IMAGE_REQUESTED)).isNull();
        // the record did its work (the job is failed for good): nothing for the DLQ
        assertThat(failed).isEmpty();
    }

    @Test
    void aMalformedRecordFailsOnceClearlyAndNothingGoesOn() {
        var before = refused("INVALID_REQUEST");

        request(UUID.randomUUID().toString(), "{this is not json".getBytes(StandardCharsets.UTF_8));

        assertThat(deadLetters()).singleElement().satisfies(dead -> assertThat(new String((byte[]) dead.getHeaders()
                .get("x-exception-fqcn"), StandardCharsets.UTF_8)).isEqualTo(UnusableRecordException.class.getName()));
        assertThat(failed).isEmpty();
        // one delivery, not three: a record that can never succeed is not retried
        assertThat(refused("INVALID_REQUEST") - before).isEqualTo(1);
        // no job id to tell: no status, no job
        assertThat(output.receive(100, Topics.STATUS)).isNull();
        assertThat(output.receive(100, Topics.IMAGE_REQUESTED)).isNull();
    }

    @Test
    void aRecordBreakingTheRequestRulesFailsItsJobAndTheRecordOnce() {
        var jobId = UUID.randomUUID().toString();
        var before = refused("INVALID_REQUEST");

        request(jobId, EventJson.write(GenerationRequested.of(jobId, spec("grace", JobKind.IMAGE, "a cat \u0000 on a mat"))));

        var status = status();
        assertThat(status.status()).isEqualTo(JobStatus.FAILED);
        assertThat(status.error().code()).isEqualTo("INVALID_REQUEST");
        assertThat(deadLetters()).hasSize(1);
        assertThat(failed).isEmpty();
        assertThat(refused("INVALID_REQUEST") - before).isEqualTo(1);
        assertThat(output.receive(100, Topics.IMAGE_REQUESTED)).isNull();
    }

    @Test
    void aJobOfADisabledOrUnknownOwnerFailsAndReachesNoProvider() {
        var disabled = UUID.randomUUID().toString();
        var unknown = UUID.randomUUID().toString();

        var poll = new java.util.LinkedHashMap<String, byte[]>();
        poll.put(disabled, EventJson.write(GenerationRequested.of(disabled, spec("mallory", JobKind.IMAGE, "a cat"))));
        poll.put(unknown, EventJson.write(GenerationRequested.of(unknown, spec("nobody-" + unknown, JobKind.IMAGE, "a cat"))));
        var fine = UUID.randomUUID().toString();
        poll.put(fine, EventJson.write(GenerationRequested.of(fine, spec("grace", JobKind.IMAGE, "a dog"))));
        requests(poll);

        var first = status();
        var second = status();
        assertThat(List.of(first.jobId(), second.jobId())).containsExactly(disabled, unknown);
        assertThat(first.error().code()).isEqualTo("OWNER_NOT_ALLOWED");
        assertThat(first.error().message()).contains("disabled");
        assertThat(second.error().message()).contains("no account");
        assertThat(deadLetters()).extracting(EncodeBindingIT::key).containsExactlyInAnyOrder(disabled, unknown);
        assertThat(failed).isEmpty();
        // the poll's good request behind them is not held up: ENCODED, then its job
        assertThat(status().status()).isEqualTo(JobStatus.ENCODED);
        assertThat(key(output.receive(WAIT_MS, Topics.IMAGE_REQUESTED))).isEqualTo(fine);
        assertThat(output.receive(100, Topics.IMAGE_REQUESTED)).isNull();
    }
}
