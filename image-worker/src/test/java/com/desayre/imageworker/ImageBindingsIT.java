package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.embedded.PostgresServer;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.BatchPoll;
import com.desayre.testsupport.TestServers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * The image-worker's bindings on the test binder: {@code generateImage} ({@code generation.image.requested})
 * and {@code controlImage} ({@code generation.control}), a record in, the records out with their keys.
 * Only the binder is replaced: its jobs are kept in the test kit's real PostgreSQL, ModelsLabs is the
 * provider simulator, and the lane switches are read from the real broker (a plain consumer, not a
 * binding: until they are read no job is sent). {@code generateImage} is a batch binding: each test hands it a poll
 * (a list with list headers); a record that is not a job is seen on the DLQ once, never on the error channel. The
 * control binding's DLQ is the Kafka binder's ({@code WorkerPoisonIT} proves both on the real broker); here its
 * poison record is seen failing once, not retried, on the binding's error channel.
 * Its PostgreSQL is its own (restarted on the same port and data directory when a test stops it), so the
 * test kit's shared one stays up; the bindings' back-off is milliseconds here, so their tries end quickly.
 */
@SpringBootTest(classes = ImageWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=desayre-platform,image-worker", "spring.application.name=image-worker",
                "desayre.modelslabs.api-key=sk-binding-test", "desayre.modelslabs.poll-min=100ms",
                "desayre.modelslabs.poll-max=400ms", "desayre.image-worker.tick=100ms",
                "spring.cloud.stream.bindings.generateImage-in-0.consumer.back-off-initial-interval=10",
                "spring.cloud.stream.bindings.generateImage-in-0.consumer.back-off-max-interval=20",
                "spring.cloud.stream.bindings.controlImage-in-0.consumer.back-off-initial-interval=10",
                "spring.cloud.stream.bindings.controlImage-in-0.consumer.back-off-max-interval=20",
                "spring.main.banner-mode=off"})
@EnableTestBinder
// closed after the class: the other ITs of this JVM run without it in the background
@DirtiesContext
class ImageBindingsIT {
    private static final String KEY = "kafka_messageKey";
    private static final long WAIT_MS = 30_000;
    private static final ProviderSimulator SIM = ProviderSimulator.start(SimulatorSettings.defaults());
    private static final String DATABASE = "image_bindings_" + Long.toHexString(System.nanoTime());
    private static final Path POSTGRES_DIR = temporaryDirectory();
    /** Stopped at the JVM's exit, after this class's context (closed at the end of the test run). */
    private static volatile PostgresServer postgres = PostgresServer.start(0, POSTGRES_DIR);

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            postgres.close();
            delete(POSTGRES_DIR);
        }, "image-bindings-postgres"));
    }

    @Autowired
    private InputDestination input;
    @Autowired
    private OutputDestination output;
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
    static void servers(DynamicPropertyRegistry registry) {
        postgres.createDatabase(DATABASE);
        TestServers.kafkaProperties().forEach((key, value) -> registry.add(key, () -> value));
        postgres.springProperties(DATABASE).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("desayre.modelslabs.base-url", SIM::baseUrl);
        registry.add("desayre.modelslabs.source-base-url", () -> SIM.baseUrl() + "/outputs");
    }

    @AfterAll
    static void stopSimulator() {
        SIM.close();
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

    private static EncodedJob job(JobKind kind) {
        var spec = WorkerHarness.spec(kind, "a lighthouse at dusk", null);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                "a lighthouse at dusk", null, "test");
    }

    private void send(String destination, String key, byte[] value) {
        input.send(MessageBuilder.withPayload(value).setHeader(KEY, key.getBytes(StandardCharsets.UTF_8)).build(), destination);
    }

    private long offset;

    /** Records on generation.image.requested as one poll, as the Kafka binder hands a batch binding its poll. */
    @SafeVarargs
    private void poll(Map.Entry<String, byte[]>... records) {
        var keys = Arrays.stream(records).map(Map.Entry::getKey).toList();
        input.send(MessageBuilder.withPayload(Arrays.stream(records).map(Map.Entry::getValue).toList())
                .copyHeaders(BatchPoll.headers(Topics.IMAGE_REQUESTED, keys, offset)).build(), Topics.IMAGE_REQUESTED);
        offset += records.length;
    }

    private static Map.Entry<String, byte[]> record(EncodedJob job) {
        return Map.entry(job.jobId(), EventJson.write(job));
    }

    private void cancel(String jobId) {
        send(Topics.CONTROL, jobId, EventJson.write(ControlRequested.of(jobId, ControlRequested.Action.CANCEL, "tester", "tester")));
    }

    private static String key(Message<byte[]> message) {
        return new String((byte[]) message.getHeaders().get(KEY), StandardCharsets.UTF_8);
    }

    /** The statuses of {@code jobId} on {@code generation.status}, up to the first that matches {@code last}. */
    private List<StatusChanged> statusesUntil(String jobId, Predicate<StatusChanged> last) {
        var seen = new ArrayList<StatusChanged>();
        long until = System.nanoTime() + WAIT_MS * 1_000_000;
        while (System.nanoTime() < until) {
            var message = output.receive(200, Topics.STATUS);
            if (message == null || !key(message).equals(jobId)) {
                continue;
            }
            var status = EventJson.read(message.getPayload(), StatusChanged.class);
            assertThat(status.jobId()).isEqualTo(jobId);
            seen.add(status);
            if (last.test(status)) {
                return seen;
            }
        }
        throw new AssertionError("no matching status of " + jobId + " within " + WAIT_MS + " ms; saw " + seen);
    }

    @Test
    void aJobComesOutAsItsStatusesAndOneResultKeyedByItsJobEvenWhenItsRecordComesAgain() {
        var job = job(JobKind.IMAGE);

        poll(record(job), record(job)); // the record twice in one poll
        poll(record(job)); // and again: redelivered after a crash before the commit

        var ready = output.receive(WAIT_MS, Topics.MEDIA_READY);
        assertThat(ready).as("a record on %s", Topics.MEDIA_READY).isNotNull();
        assertThat(key(ready)).isEqualTo(job.jobId());
        var media = EventJson.read(ready.getPayload(), MediaReady.class);
        assertThat(media.jobId()).isEqualTo(job.jobId());
        assertThat(media.outputUrls()).isNotEmpty().allMatch(url -> url.startsWith(SIM.baseUrl()));
        assertThat(media.route().model()).isEqualTo("nano-banana-pro");
        var statuses = statusesUntil(job.jobId(), s -> s.status() == JobStatus.SUBMITTED);
        assertThat(statuses).extracting(StatusChanged::status).doesNotContain(JobStatus.FAILED);
        assertThat(output.receive(500, Topics.MEDIA_READY)).as("a second result").isNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void aVideoJobOnTheImageTopicFailsNotSupportedAndIsNotARecordFailure() {
        var job = job(JobKind.VIDEO);

        poll(record(job));

        var failedJob = statusesUntil(job.jobId(), s -> s.status().isTerminal());
        assertThat(failedJob).singleElement().satisfies(status -> {
            assertThat(status.status()).isEqualTo(JobStatus.FAILED);
            assertThat(status.error().code()).isEqualTo(JobError.NOT_SUPPORTED);
        });
        assertThat(failed).isEmpty();
    }

    @Test
    void aRecordThatIsNotAJobGoesToTheDlqOnItsFirstDeliveryAndTheJobBesideItRuns() {
        var key = UUID.randomUUID().toString();
        var job = job(JobKind.IMAGE);

        poll(Map.entry(key, "{this is not json".getBytes(StandardCharsets.UTF_8)), record(job));

        // not retried, not a listener failure: the intake puts it on the DLQ itself, with the binder's failure headers
        var dead = output.receive(WAIT_MS, Topics.dlq(Topics.IMAGE_REQUESTED));
        assertThat(dead).as("a record on the DLQ").isNotNull();
        assertThat(key(dead)).isEqualTo(key);
        assertThat(new String(dead.getPayload(), StandardCharsets.UTF_8)).isEqualTo("{this is not json");
        assertThat(new String((byte[]) dead.getHeaders().get("x-original-topic"), StandardCharsets.UTF_8)).isEqualTo(Topics.IMAGE_REQUESTED);
        assertThat(dead.getHeaders()).containsKey("x-exception-message");
        assertThat(output.receive(WAIT_MS, Topics.MEDIA_READY)).as("the job beside it").isNotNull();
        assertThat(output.receive(300, Topics.dlq(Topics.IMAGE_REQUESTED))).as("a second dead letter").isNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void aCancelThatCameBeforeItsJobEndsTheJobCancelledWithoutSendingIt() {
        var job = job(JobKind.IMAGE);

        cancel(job.jobId());
        cancel(job.jobId()); // redelivered
        poll(record(job));

        var statuses = statusesUntil(job.jobId(), s -> s.status().isTerminal());
        assertThat(statuses).extracting(StatusChanged::status).containsExactly(JobStatus.CANCELLED);
        assertThat(output.receive(500, Topics.MEDIA_READY)).isNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void aControlRecordThatIsNotAControlFailsOnce() {
        send(Topics.CONTROL, UUID.randomUUID().toString(), "[1, 2".getBytes(StandardCharsets.UTF_8));

        assertThat(failed).hasSize(1).allSatisfy(error -> assertThat(retries(error)).isZero());
        assertThat(output.receive(300, Topics.STATUS)).isNull();
    }

    /**
     * PostgreSQL stopped for many times as long as the bindings try a record (about 0.1 s here; 3.5 s for a job and
     * 12.5 s for a cancel as deployed, where a failover takes minutes): a cancel and a new job that arrive meanwhile
     * wait it out, neither is given up on (no DLQ), and once it is back both are applied.
     */
    @Test
    void aCancelAndAJobThatArriveWhilePostgresIsAwayWaitItOutAndAreAppliedOnceItIsBack() throws Exception {
        var cancelled = job(JobKind.IMAGE);
        var accepted = job(JobKind.IMAGE);
        var port = postgres.port();
        var senders = Executors.newFixedThreadPool(2);
        postgres.close();
        try {
            // the test binder hands a record to its function on the sending thread: each waits on its own
            var cancelling = CompletableFuture.runAsync(() -> cancel(cancelled.jobId()), senders);
            var accepting = CompletableFuture.runAsync(() -> poll(record(accepted)), senders);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                    .until(() -> failed.isEmpty() && !cancelling.isDone() && !accepting.isDone());

            postgres = PostgresServer.start(port, POSTGRES_DIR);
            CompletableFuture.allOf(cancelling, accepting).get(60, TimeUnit.SECONDS);
        } finally {
            senders.shutdownNow();
            if (!accepts(postgres)) {
                postgres = PostgresServer.start(port, POSTGRES_DIR); // for the other tests, whatever happened here
            }
        }

        // the job was recorded once Postgres was back, and made: its result comes out
        assertThat(resultOf(accepted.jobId()).jobId()).isEqualTo(accepted.jobId());
        // the cancel was recorded while its job had not come yet: the job, arriving now, is never sent
        poll(record(cancelled));
        assertThat(statusesUntil(cancelled.jobId(), s -> s.status().isTerminal())).extracting(StatusChanged::status)
                .containsExactly(JobStatus.CANCELLED);
        assertThat(failed).isEmpty();
    }

    private MediaReady resultOf(String jobId) {
        long until = System.nanoTime() + WAIT_MS * 1_000_000;
        while (System.nanoTime() < until) {
            var message = output.receive(200, Topics.MEDIA_READY);
            if (message != null && key(message).equals(jobId)) {
                return EventJson.read(message.getPayload(), MediaReady.class);
            }
        }
        throw new AssertionError("no result of " + jobId + " within " + WAIT_MS + " ms");
    }

    private static boolean accepts(PostgresServer server) {
        try (var connection = server.dataSource(PostgresServer.DEFAULT_DATABASE).getConnection()) {
            return connection.isValid(2);
        } catch (java.sql.SQLException e) {
            return false;
        }
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("image-bindings-pg-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path root) {
        try (var paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // in target/: the next clean removes it
        }
    }

    /** How often the binder retried a record before it gave up on it (0: to the DLQ on its first delivery). */
    private static int retries(ErrorMessage error) {
        for (Throwable cause = error.getPayload(); cause != null; cause = cause.getCause()) {
            if (cause instanceof org.springframework.core.retry.RetryException retry) {
                return retry.getRetryCount();
            }
        }
        throw new AssertionError("no retry outcome in " + error.getPayload());
    }
}
