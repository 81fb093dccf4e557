package com.desayre.gateway.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.gateway.GatewayApplication;
import com.desayre.gateway.messaging.StatusBus;
import com.desayre.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binder.test.EnableTestBinder;
import org.springframework.cloud.stream.binder.test.InputDestination;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.core.Disposable;

/**
 * The gateway's two bindings of {@code generation.status} on the test binder: {@code statusFanout} (this instance's
 * SSE bus) and {@code statusProjection} (the shared Redis status cache). A status in through the input destination
 * reaches both; a record that is not a readable status is counted ({@code gateway.status.unreadable}) and passed
 * over, and the statuses behind it still arrive. Only the binder is replaced: Redis, PostgreSQL and the broker the
 * projection's catch-up check reads are the test kit's real servers.
 */
@SpringBootTest(classes = GatewayApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=desayre-platform,gateway", "spring.application.name=gateway",
                "desayre.auth.jwt-secret=a-binding-test-secret-of-at-least-32-bytes", "desayre.auth.admin-password=binding-test",
                "spring.main.banner-mode=off"})
@EnableTestBinder
// closed after the class: the other ITs of this JVM run without it in the background
@DirtiesContext
class StatusBindingsIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Autowired
    private InputDestination input;
    @Autowired
    private StatusBus bus;
    @Autowired
    private StatusCache cache;
    @Autowired
    private MeterRegistry meters;
    private final List<StatusChanged> streamed = new CopyOnWriteArrayList<>();
    private Disposable listening;

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        TestServers.kafkaProperties().forEach((key, value) -> registry.add(key, () -> value));
        TestServers.redisProperties().forEach((key, value) -> registry.add(key, () -> value));
        TestServers.postgresProperties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("desayre.data-dir", () -> System.getProperty("java.io.tmpdir") + "/status-bindings-it");
    }

    @BeforeEach
    void listen() {
        listening = bus.events().subscribe(streamed::add);
    }

    @AfterEach
    void stopListening() {
        listening.dispose();
    }

    /** As the Kafka binder hands a record over: its topic in the headers (what tells the unreadable counter whose it is). */
    private void send(String jobId, byte[] value) {
        input.send(MessageBuilder.withPayload(value)
                .setHeader(KafkaHeaders.RECEIVED_KEY, jobId.getBytes(StandardCharsets.UTF_8))
                .setHeader(KafkaHeaders.RECEIVED_TOPIC, Topics.STATUS)
                .build(), Topics.STATUS);
    }

    private static StatusChanged status(String jobId, JobStatus status) {
        return StatusChanged.of(jobId, "grace", JobKind.IMAGE, status, "test", status.name());
    }

    private double unreadable() {
        return meters.find("gateway.status.unreadable").counters().stream().mapToDouble(counter -> counter.count()).sum();
    }

    @Test
    void aStatusReachesTheSseBusAndTheRedisCache() {
        var jobId = UUID.randomUUID().toString();
        var encoded = status(jobId, JobStatus.ENCODED);

        send(jobId, EventJson.write(encoded));

        await().atMost(WAIT).until(() -> streamed.stream().anyMatch(event -> event.eventId().equals(encoded.eventId())));
        await().atMost(WAIT).until(() -> cache.latest(jobId).map(StatusChanged::eventId).blockOptional(WAIT)
                .filter(encoded.eventId()::equals).isPresent());
    }

    @Test
    void theCacheNeverGoesBackwardsWhateverOrderTheRecordsCome() {
        var jobId = UUID.randomUUID().toString();
        var completed = status(jobId, JobStatus.COMPLETED);
        var late = status(jobId, JobStatus.PROCESSING);

        send(jobId, EventJson.write(completed));
        send(jobId, EventJson.write(late));

        // the bus passes both (each SSE stream filters for itself); the cache keeps the terminal status
        await().atMost(WAIT).until(() -> streamed.stream().anyMatch(event -> event.eventId().equals(late.eventId())));
        await().atMost(WAIT).until(() -> cache.latest(jobId).map(StatusChanged::status).blockOptional(WAIT)
                .filter(JobStatus.COMPLETED::equals).isPresent());
        assertThat(cache.latest(jobId).map(StatusChanged::status).block(WAIT)).isEqualTo(JobStatus.COMPLETED);
    }

    @Test
    void anUnreadableRecordIsCountedAndPassedOver() {
        var before = unreadable();
        var jobId = UUID.randomUUID().toString();
        var after = status(jobId, JobStatus.QUEUED);

        send(jobId, "{not a status".getBytes(StandardCharsets.UTF_8));
        // a status nobody could follow (no owner): read, then refused before anything acts on it
        send(jobId, "{\"schemaVersion\":1,\"eventId\":\"e\",\"jobId\":\"x\",\"status\":\"QUEUED\"}".getBytes(StandardCharsets.UTF_8));
        send(jobId, EventJson.write(after));

        await().atMost(WAIT).until(() -> streamed.stream().anyMatch(event -> event.eventId().equals(after.eventId())));
        await().atMost(WAIT).until(() -> cache.latest(jobId).blockOptional(WAIT).isPresent());
        // each of the two bad records, by each of the two bindings (the test binder sets no group header, so the
        // counter's consumer tag says fanout for both here; on Kafka the projection's group header tells them apart)
        await().atMost(WAIT).until(() -> unreadable() >= before + 4);
        assertThat(streamed).noneMatch(event -> "x".equals(event.jobId()));
    }
}
