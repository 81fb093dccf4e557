package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.MediaReady;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.testsupport.BatchPoll;
import com.desayre.testsupport.TestServers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
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
 * The video-worker's bindings on the test binder: {@code generateVideo} ({@code generation.video.requested})
 * and {@code controlVideo} ({@code generation.control}), a record in, the records out with their keys.
 * Only the binder is replaced: its jobs are kept in the test kit's real PostgreSQL, xAI is the provider
 * simulator, and the lane switches are read from the real broker (a plain consumer, not a binding: until
 * they are read no job is sent). {@code generateVideo} is a batch binding: each test hands it a poll (a list with
 * list headers); a record that is not a job is seen on the DLQ once, never on the error channel. The control
 * binding's DLQ is the Kafka binder's ({@code VideoJobsIT} proves both on the real broker); here its poison record is
 * seen failing once, not retried, on the binding's error channel.
 */
@SpringBootTest(classes = VideoWorkerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=desayre-platform,video-worker", "spring.application.name=video-worker",
                "desayre.xai.api-key=xai-binding-test", "desayre.xai.poll-min=100ms",
                "desayre.xai.poll-max=400ms", "desayre.video-worker.tick=100ms",
                "spring.main.banner-mode=off"})
@EnableTestBinder
// closed after the class: the other ITs of this JVM run without it in the background
@DirtiesContext
class VideoBindingsIT {
    private static final String KEY = "kafka_messageKey";
    private static final long WAIT_MS = 30_000;
    private static final ProviderSimulator SIM = ProviderSimulator.start(SimulatorSettings.defaults());
    private static final String DATABASE = "video_bindings_" + Long.toHexString(System.nanoTime());

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
        TestServers.postgres().createDatabase(DATABASE);
        TestServers.kafkaProperties().forEach((key, value) -> registry.add(key, () -> value));
        TestServers.postgres().springProperties(DATABASE).forEach((key, value) -> registry.add(key, () -> value));
        registry.add("desayre.xai.base-url", SIM::baseUrl);
        registry.add("desayre.xai.source-base-url", () -> SIM.baseUrl() + "/outputs");
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
        var video = VideoHarness.job("waves rolling onto a beach");
        if (kind == JobKind.VIDEO) {
            return video;
        }
        var spec = new JobSpec("tester", kind, "a lighthouse", "16:9", 1376, 768, null, null, true, Priority.INTERACTIVE, null);
        return EncodedJob.of(video.jobId(), spec, video.route(), "a lighthouse", null, "test");
    }

    private void send(String destination, String key, byte[] value) {
        input.send(MessageBuilder.withPayload(value).setHeader(KEY, key.getBytes(StandardCharsets.UTF_8)).build(), destination);
    }

    private long offset;

    /** Records on generation.video.requested as one poll, as the Kafka binder hands a batch binding its poll. */
    @SafeVarargs
    private void poll(Map.Entry<String, byte[]>... records) {
        var keys = Arrays.stream(records).map(Map.Entry::getKey).toList();
        input.send(MessageBuilder.withPayload(Arrays.stream(records).map(Map.Entry::getValue).toList())
                .copyHeaders(BatchPoll.headers(Topics.VIDEO_REQUESTED, keys, offset)).build(), Topics.VIDEO_REQUESTED);
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
        var job = job(JobKind.VIDEO);

        poll(record(job), record(job)); // the record twice in one poll
        poll(record(job)); // and again: redelivered after a crash before the commit

        var ready = output.receive(WAIT_MS, Topics.MEDIA_READY);
        assertThat(ready).as("a record on %s", Topics.MEDIA_READY).isNotNull();
        assertThat(key(ready)).isEqualTo(job.jobId());
        var media = EventJson.read(ready.getPayload(), MediaReady.class);
        assertThat(media.jobId()).isEqualTo(job.jobId());
        assertThat(media.outputUrls()).isNotEmpty().allMatch(url -> url.startsWith(SIM.baseUrl()));
        assertThat(media.route().model()).isEqualTo(VideoHarness.MODEL);
        var statuses = statusesUntil(job.jobId(), s -> s.status() == JobStatus.SUBMITTED);
        assertThat(statuses).extracting(StatusChanged::status).doesNotContain(JobStatus.FAILED);
        assertThat(output.receive(500, Topics.MEDIA_READY)).as("a second result").isNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void anImageJobOnTheVideoTopicFailsNotSupportedAndIsNotARecordFailure() {
        var job = job(JobKind.IMAGE);

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
        var job = job(JobKind.VIDEO);

        poll(Map.entry(key, "{this is not json".getBytes(StandardCharsets.UTF_8)), record(job));

        // not retried, not a listener failure: the intake puts it on the DLQ itself, with the binder's failure headers
        var dead = output.receive(WAIT_MS, Topics.dlq(Topics.VIDEO_REQUESTED));
        assertThat(dead).as("a record on the DLQ").isNotNull();
        assertThat(key(dead)).isEqualTo(key);
        assertThat(new String((byte[]) dead.getHeaders().get("x-original-topic"), StandardCharsets.UTF_8)).isEqualTo(Topics.VIDEO_REQUESTED);
        assertThat(dead.getHeaders()).containsKey("x-exception-message");
        assertThat(output.receive(WAIT_MS, Topics.MEDIA_READY)).as("the job beside it").isNotNull();
        assertThat(failed).isEmpty();
    }

    @Test
    void aCancelThatCameBeforeItsJobEndsTheJobCancelledWithoutSendingIt() {
        var job = job(JobKind.VIDEO);

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
