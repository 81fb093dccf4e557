package com.desayre.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.desayre.contracts.ControlRequested;
import com.desayre.contracts.CostIncurred;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.GenerationRequested;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.platform.MediaStore;
import com.desayre.testsupport.BatchPoll;
import com.desayre.testsupport.TestServers;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.springframework.messaging.MessageHandler;
import org.springframework.messaging.SubscribableChannel;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * storage-sink's five bindings on the test binder: {@code storeMedia} ({@code generation.media.ready}),
 * {@code projectStatus} ({@code generation.status}), {@code recordRequest} ({@code generation.requested}),
 * {@code handleControl} ({@code generation.control}) and {@code projectLedger} ({@code generation.ledger}). A record in; out, what it leaves in the real
 * PostgreSQL and S3 server and the statuses it publishes. Only the binder is replaced; the DLQs are the
 * Kafka binder's ({@code StorageSinkIT} proves them): here a poison record is seen failing once, not
 * retried, on the binding's error channel.
 *
 * <p>The test binder hands a destination that one application both consumes and produces to its consumer
 * only: {@link OutputDestination} never sees storage-sink's own statuses on {@code generation.status}. They
 * are seen where Kafka brings them too, in the sink's own status projection ({@code StorageSinkIT} reads
 * them, keyed, off the broker).
 */
@SpringBootTest(classes = StorageSinkApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"spring.config.name=desayre-platform,storage-sink", "spring.application.name=storage-sink",
                "spring.main.banner-mode=off"})
@EnableTestBinder
// closed after the class: the other ITs of this JVM run without it in the background
@DirtiesContext
class StorageBindingsIT {
    private static final String KEY = "kafka_messageKey";
    private static final String DATABASE = "sink_bindings_" + Long.toHexString(System.nanoTime());
    private static final FileServer CDN = cdn();

    @Autowired
    private InputDestination input;
    @Autowired
    private OutputDestination output;
    @Autowired
    private JobProjection projection;
    @Autowired
    private MediaStore store;
    @Autowired
    private ProjectLedger ledger;
    @Autowired
    private MeterRegistry meters;
    @Autowired
    private org.springframework.r2dbc.core.DatabaseClient db;
    @Autowired
    @Qualifier("errorChannel")
    private SubscribableChannel errors;
    private final List<ErrorMessage> failed = new CopyOnWriteArrayList<>();
    private final MessageHandler collect = message -> {
        if (message instanceof ErrorMessage error) {
            failed.add(error);
        }
    };

    private static FileServer cdn() {
        try {
            return new FileServer();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        TestServers.postgres().createDatabase(DATABASE);
        TestServers.postgres().springProperties(DATABASE).forEach((key, value) -> registry.add(key, () -> value));
        TestServers.s3Properties().forEach((key, value) -> registry.add(key, () -> value));
        registry.add("desayre.data-dir", () -> System.getProperty("java.io.tmpdir") + "/sink-bindings");
    }

    @AfterAll
    static void stopCdn() {
        CDN.close();
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

    private long statusOffset;

    private void send(String destination, String key, byte[] value) {
        if (!destination.equals(Topics.CONTROL)) { // every binding but handleControl reads a poll at a time
            poll(destination, List.of(key), List.of(value), List.of(Map.of()));
            return;
        }
        input.send(MessageBuilder.withPayload(value).setHeader(KEY, key.getBytes(StandardCharsets.UTF_8)).build(), destination);
    }

    /**
     * A poll to a batch binding (projectStatus, recordRequest, projectLedger, storeMedia): its values as the payload, its headers lists in the same
     * order, as the Kafka binder hands a poll over; {@code headers} are each record's own (e.g. {@code traceparent}).
     */
    private void poll(String destination, List<String> keys, List<byte[]> values, List<Map<String, Object>> headers) {
        input.send(MessageBuilder.withPayload(values).copyHeaders(BatchPoll.headers(destination, keys, statusOffset))
                .setHeader("kafka_batchConvertedHeaders", headers)
                .build(), destination);
        statusOffset += values.size();
    }

    private void send(String destination, String key, Object event) {
        send(destination, key, EventJson.write(event));
    }

    /** The job's status and error code as the sink's own projection of {@code generation.status} holds them. */
    private java.util.Map<String, Object> job(String jobId) {
        return db.sql("select status, error_code from jobs where job_id = :id").bind("id", jobId).fetch().one()
                .block(java.time.Duration.ofSeconds(10));
    }

    private void encoded(String jobId) {
        send(Topics.STATUS, jobId, StatusChanged.of(jobId, SinkHarness.spec(), JobStatus.ENCODED, "prompt-encoder", "Encoded."));
    }

    @Test
    void aResultIsStoredUnderKeysOfItsJobAndTheJobCompleted() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = CDN.serve("/" + jobId + ".png", SinkHarness.png(64, 48));
        encoded(jobId);

        send(Topics.MEDIA_READY, jobId, SinkHarness.ready(jobId, url));

        assertThat(job(jobId)).containsEntry("status", "COMPLETED");
        assertThat(store.stat(jobId + "/0.png")).hasValueSatisfying(object -> assertThat(object.contentType()).isEqualTo("image/png"));
        assertThat(projection.storedKeys(jobId)).containsExactlyInAnyOrder(jobId + "/0.png", jobId + "/0.thumb.jpg");
        assertThat(failed).isEmpty();
    }

    @Test
    void anOutputThatIsNotAnImageFailsTheJobClearlyWithoutRetrying() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = CDN.serve("/" + jobId + ".html", "<html>not an image</html>".getBytes(StandardCharsets.UTF_8));
        encoded(jobId);

        send(Topics.MEDIA_READY, jobId, SinkHarness.ready(jobId, url));

        assertThat(job(jobId)).containsEntry("status", "FAILED").containsEntry("error_code", JobError.BAD_PROVIDER_OUTPUT);
        assertThat(projection.storedKeys(jobId)).isEmpty();
        assertThat(failed).isEmpty();
    }

    @Test
    void aResultForACancelledJobIsNotStored() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = CDN.serve("/" + jobId + ".png", SinkHarness.png(64, 48));
        send(Topics.STATUS, jobId, StatusChanged.of(jobId, SinkHarness.spec(), JobStatus.CANCELLED, "image-worker", "Cancelled."));

        send(Topics.MEDIA_READY, jobId, SinkHarness.ready(jobId, url));

        assertThat(job(jobId)).containsEntry("status", "CANCELLED");
        assertThat(projection.storedKeys(jobId)).isEmpty();
        assertThat(store.stat(jobId + "/0.png")).isEmpty();
    }

    @Test
    void aStatusMovesTheJobForwardOnlyAndARedeliveredOrStaleOneChangesNothing() {
        var jobId = SinkHarness.newJobId();
        var processing = StatusChanged.of(jobId, SinkHarness.spec(), JobStatus.PROCESSING, "image-worker", "Working.");

        encoded(jobId);
        send(Topics.STATUS, jobId, processing);
        send(Topics.STATUS, jobId, processing); // redelivered
        encoded(jobId); // stale: the job is past it

        assertThat(projection.status(jobId)).contains(JobStatus.PROCESSING);
        assertThat(failed).isEmpty();
    }

    /**
     * A poll of many statuses is applied as a few multi-row statements with the rules of one status at a time, in the
     * poll's order: a job moves only forward from where the poll's earlier statuses left it, a redelivered or stale
     * status changes nothing, a refused ending stays out of the timeline, only the first WAITING goes into it, the
     * last encoding wins; the trace id is kept once.
     */
    @Test
    void aPollOfStatusesMovesEachJobForwardOnlyInTheOrderOfThePoll() {
        var a = SinkHarness.newJobId();
        var b = SinkHarness.newJobId();
        var spec = SinkHarness.spec();
        encoded(b); // b is in the history before the poll, a is not
        var encodedA = StatusChanged.of(a, spec, JobStatus.ENCODED, "prompt-encoder", "Encoded.")
                .withEncoding(new com.desayre.contracts.PromptEncoding("first", null, null, "v1", "modelslabs", "m1"));
        var waiting = StatusChanged.of(a, spec, JobStatus.WAITING, "image-worker", "In line.");
        var waitingLater = StatusChanged.of(a, spec, JobStatus.WAITING, "image-worker", "Further up the line.");
        var processingA = StatusChanged.of(a, spec, JobStatus.PROCESSING, "image-worker", "Working.");
        var completedA = StatusChanged.of(a, spec, JobStatus.COMPLETED, "storage-sink", "Done.");
        var cancelledA = StatusChanged.of(a, spec, JobStatus.CANCELLED, "gateway", "Too late."); // refused: a ended
        var processingB = StatusChanged.of(b, spec, JobStatus.PROCESSING, "image-worker", "Working.");
        var encodedB = StatusChanged.of(b, spec, JobStatus.ENCODED, "prompt-encoder", "Encoded again.")
                .withEncoding(new com.desayre.contracts.PromptEncoding("last", null, null, "v2", "modelslabs", "m2"));
        var events = List.of(encodedA, waiting, waitingLater, processingA, processingB, processingA, completedA, cancelledA,
                encodedB);
        var trace = "4bf92f3577b34da6a3ce929d0e0e4736";
        poll(Topics.STATUS, events.stream().map(StatusChanged::jobId).toList(), events.stream().map(EventJson::write).toList(),
                events.stream().map(e -> Map.<String, Object>of("traceparent", ("00-" + trace + "-00f067aa0ba902b7-01")
                        .getBytes(StandardCharsets.UTF_8))).toList());

        assertThat(projection.status(a)).contains(JobStatus.COMPLETED);
        assertThat(projection.status(b)).contains(JobStatus.PROCESSING); // the stale ENCODED after it moved nothing
        var timeline = db.sql("select status from job_status_events where job_id = :id").bind("id", a)
                .map(row -> row.get("status", String.class)).all().collectList().block(java.time.Duration.ofSeconds(10));
        assertThat(timeline).containsExactlyInAnyOrder("ENCODED", "WAITING", "PROCESSING", "COMPLETED");
        var rows = db.sql("select job_id, encoded_prompt, trace_id, completed_at is not null as done from jobs where job_id in (:a, :b)")
                .bind("a", a).bind("b", b).fetch().all().collectList().block(java.time.Duration.ofSeconds(10));
        assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("job_id", a).containsEntry("encoded_prompt", "first")
                .containsEntry("trace_id", trace).containsEntry("done", true));
        assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("job_id", b).containsEntry("encoded_prompt", "last")
                .containsEntry("done", false));
        assertThat(failed).isEmpty();
    }

    @Test
    void aRequestIsRecordedAndOneBreakingTheRequestRulesIsPassedOverNotRetried() {
        // request records name their job by a UUID (RequestRules)
        var jobId = java.util.UUID.randomUUID().toString();
        var nul = java.util.UUID.randomUUID().toString();
        var skipped = meters.counter("desayre.sink.requests.skipped").count();
        var spec = new JobSpec("ada", JobKind.IMAGE, "a lighthouse at dusk", "1:1", 1024, 1024, null, null, true,
                Priority.INTERACTIVE, null, null, null, 600);

        var trace = "0af7651916cd43dd8448eb211c80319c";
        poll(Topics.REQUESTED, List.of(jobId), List.of(EventJson.write(GenerationRequested.of(jobId, spec))),
                List.of(Map.of("traceparent", ("00-" + trace + "-b7ad6b7169203331-01").getBytes(StandardCharsets.UTF_8))));
        send(Topics.REQUESTED, nul, GenerationRequested.of(nul, new JobSpec("ada", JobKind.IMAGE, "nul \u0000", "1:1", 1024, 1024,
                null, null, true, Priority.INTERACTIVE, null)));

        // the request fills the job's details, never its status
        assertThat(projection.status(jobId)).contains(JobStatus.QUEUED);
        assertThat(projection.status(nul)).isEmpty();
        // the job's trace id, for GET /api/jobs/{id} once the gateway's status cache forgot the job
        assertThat(db.sql("select trace_id from jobs where job_id = :id").bind("id", jobId).map(row -> row.get("trace_id", String.class))
                .one().block(java.time.Duration.ofSeconds(10))).isEqualTo(trace);
        assertThat(meters.counter("desayre.sink.requests.skipped").count() - skipped).isEqualTo(1);
        assertThat(failed).isEmpty();
    }

    @Test
    void aDeleteRemovesTheJobsObjectsAndRowsAndARedeliveredOneDoesNothing() throws Exception {
        var jobId = SinkHarness.newJobId();
        var url = CDN.serve("/" + jobId + ".png", SinkHarness.png(64, 48));
        encoded(jobId);
        send(Topics.MEDIA_READY, jobId, SinkHarness.ready(jobId, url));
        assertThat(projection.storedKeys(jobId)).hasSize(2);
        var delete = ControlRequested.of(jobId, ControlRequested.Action.DELETE, "ada", "ada");

        send(Topics.CONTROL, jobId, delete);
        send(Topics.CONTROL, jobId, delete);

        assertThat(projection.storedKeys(jobId)).isEmpty();
        assertThat(store.stat(jobId + "/0.png")).isEmpty();
        assertThat(store.stat(jobId + "/0.thumb.jpg")).isEmpty();
        assertThat(projection.standing(jobId)).map(JobProjection.Standing::deleted).hasValue(true);
        assertThat(failed).isEmpty();
    }

    @Test
    void aLedgerEntryReplayedChargesOnceAndARepeatOnlyAddsWhatTheProviderReported() {
        var jobId = SinkHarness.newJobId();
        var spec = new JobSpec("ada", JobKind.VIDEO, "a wave", "16:9", 854, 480, null, null, true, Priority.INTERACTIVE, null, 6,
                "480p");
        var route = new com.desayre.contracts.Route("xai", "grok-imagine-video", Priority.INTERACTIVE);
        var charge = CostIncurred.of(CostIncurred.chargeId(jobId, "req-1"), jobId, spec, route, CostIncurred.Entry.CHARGE, 0, 6,
                "480p", "USD", 300_000, null, false, "req-1", 1, "xAI took the submission.");

        send(Topics.LEDGER, jobId, charge);
        send(Topics.LEDGER, jobId, charge); // redelivered
        send(Topics.LEDGER, jobId, charge.withReported(320_000)); // the finished video's usage, perhaps after a restart
        send(Topics.LEDGER, jobId, charge.withReported(999_999)); // polled again: the first report stays

        var rows = db.sql("select entry, amount_micros, reported_micros from ledger_entries where job_id = :id").bind("id", jobId)
                .fetch().all().collectList().block(java.time.Duration.ofSeconds(10));
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.get("entry")).isEqualTo("CHARGE");
            assertThat(row.get("amount_micros")).isEqualTo(300_000L);
            assertThat(row.get("reported_micros")).isEqualTo(320_000L);
        });
        assertThat(failed).isEmpty();
    }

    /**
     * A poll of ledger entries is one multi-row insert: an entry twice in it is one row, charged once, with the figure the
     * provider reported in its second record; a record that is not an entry goes to the ledger's DLQ from the poll, with
     * the failure headers and its trace, and the entries behind it are recorded.
     */
    @Test
    void aPollOfLedgerEntriesChargesEachOnceAndDeadLettersWhatIsNotOne() {
        var jobId = SinkHarness.newJobId();
        var route = SinkHarness.ready(jobId).route();
        var charge = CostIncurred.of(CostIncurred.chargeId(jobId, "req-1"), jobId, SinkHarness.spec(), route,
                CostIncurred.Entry.CHARGE, 1, 0, null, "USD", 40_000, null, false, "req-1", 1, "The provider took the submission.");
        var credit = CostIncurred.of(CostIncurred.creditId(jobId, "req-1"), jobId, SinkHarness.spec(), route,
                CostIncurred.Entry.CREDIT, 1, 0, null, "USD", -40_000, null, false, "req-1", 1, "The provider failed it.");
        var resubmitted = CostIncurred.of(CostIncurred.chargeId(jobId, "req-2"), jobId, SinkHarness.spec(), route,
                CostIncurred.Entry.CHARGE, 1, 0, null, "USD", 40_000, 41_000L, false, "req-2", 2, "The provider took the resubmission.");
        var notAnEntry = "{\"entryId\":".getBytes(StandardCharsets.UTF_8);
        var traceparent = "00-5f85bacb44be292e6f611981e0f69e5b-3347aace479a50bf-01".getBytes(StandardCharsets.UTF_8);
        long firstOffset = statusOffset;

        poll(Topics.LEDGER, java.util.Collections.nCopies(5, jobId), List.of(EventJson.write(charge), notAnEntry,
                        EventJson.write(credit), EventJson.write(charge.withReported(42_000)), EventJson.write(resubmitted)),
                List.<Map<String, Object>>of(Map.of(), Map.of("traceparent", traceparent), Map.of(), Map.of(), Map.of()));

        var rows = db.sql("select entry_id, amount_micros, reported_micros from ledger_entries where job_id = :id order by entry_id")
                .bind("id", jobId).fetch().all().collectList().block(java.time.Duration.ofSeconds(10));
        assertThat(rows).hasSize(3);
        assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("entry_id", charge.entryId())
                .containsEntry("amount_micros", 40_000L).containsEntry("reported_micros", 42_000L));
        assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("entry_id", credit.entryId())
                .containsEntry("amount_micros", -40_000L).containsEntry("reported_micros", null));
        assertThat(rows).anySatisfy(row -> assertThat(row).containsEntry("entry_id", resubmitted.entryId())
                .containsEntry("amount_micros", 40_000L).containsEntry("reported_micros", 41_000L));
        var dead = output.receive(5_000, ProjectLedger.DLQ);
        assertThat(dead).isNotNull();
        assertThat((byte[]) dead.getPayload()).isEqualTo(notAnEntry);
        assertThat(new String((byte[]) dead.getHeaders().get("x-original-topic"), StandardCharsets.UTF_8)).isEqualTo(Topics.LEDGER);
        assertThat(java.nio.ByteBuffer.wrap((byte[]) dead.getHeaders().get("x-original-offset")).getLong()).isEqualTo(firstOffset + 1);
        assertThat(dead.getHeaders()).containsKey("x-exception-message");
        assertThat((byte[]) dead.getHeaders().get("traceparent")).isEqualTo(traceparent);
        assertThat(output.receive(100, ProjectLedger.DLQ)).isNull();
        assertThat(failed).isEmpty();
    }

    /**
     * The poll above would be recorded right even if its one statement failed (then one record at a time): here the one
     * statement itself takes an entry three times, which a multi-row upsert refuses unless they are merged first.
     */
    @Test
    void anEntryThreeTimesInOneStatementIsOneRowWithTheFirstReportedFigure() {
        var jobId = SinkHarness.newJobId();
        var charge = CostIncurred.of(CostIncurred.chargeId(jobId, "req-1"), jobId, SinkHarness.spec(), SinkHarness.ready(jobId).route(),
                CostIncurred.Entry.CHARGE, 1, 0, null, "USD", 40_000, null, false, "req-1", 1, "The provider took the submission.");

        ledger.recordAll(List.of(charge, charge.withReported(42_000), charge.withReported(43_000)));

        var rows = db.sql("select amount_micros, reported_micros from ledger_entries where job_id = :id").bind("id", jobId)
                .fetch().all().collectList().block(java.time.Duration.ofSeconds(10));
        assertThat(rows).singleElement().satisfies(row -> assertThat(row).containsEntry("amount_micros", 40_000L)
                .containsEntry("reported_micros", 42_000L));
    }

    @Test
    void recordsThatAreNotEventsFailOnceOnEachBinding() {
        send(Topics.MEDIA_READY, SinkHarness.newJobId(), "[]".getBytes(StandardCharsets.UTF_8));
        send(Topics.STATUS, SinkHarness.newJobId(), "not json at all".getBytes(StandardCharsets.UTF_8));
        send(Topics.CONTROL, SinkHarness.newJobId(), "{\"action\":".getBytes(StandardCharsets.UTF_8));

        // one failure, at once: a record that can never be read is not retried (it goes to the DLQ); the batch
        // bindings (results, statuses) put their own on the DLQ from the poll, with the failure headers, and fail nothing
        assertThat(failed).hasSize(1).allSatisfy(error -> assertThat(retries(error)).isZero());
        for (var dlq : List.of(StoreMedia.DLQ, ProjectStatus.DLQ)) {
            var dead = output.receive(5_000, dlq);
            assertThat(dead).as(dlq).isNotNull();
            assertThat(new String((byte[]) dead.getHeaders().get("x-original-topic"), StandardCharsets.UTF_8))
                    .isEqualTo(Topics.origin(dlq));
            assertThat(dead.getHeaders()).containsKey("x-exception-message");
        }
        assertThat(output.receive(100, Topics.MEDIA_READY)).isNull();
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
