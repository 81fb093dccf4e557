package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.workerkit.ProviderFailure;
import com.desayre.providersim.SimulatorSettings;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.imageio.ImageIO;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * One test per way a provider fails, each through the real broker, Postgres and HTTP to the
 * simulator, scripted by prompt directives. Each asserts the job's final state, the events, the
 * dead letter (or its absence) and how many provider calls were made.
 */
@ExtendWith(OutputCaptureExtension.class)
class ProviderFailuresIT {
    private static ProviderSimulator sim;
    private static WorkerHarness harness;
    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void start() {
        // ModelsLab's queue limit (one spare place for the job that never finishes)
        sim = ProviderSimulator.start(SimulatorSettings.defaults().withQueueLimit(6));
        harness = new WorkerHarness("image_worker_it");
        worker = harness.startWorker(sim.baseUrl(), Map.of(
                "desayre.modelslabs.models.deadline-model.job-deadline", "3s",
                "desayre.modelslabs.provider-retention", "6s",
                "resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", "5",
                "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.sliding-window-size", "2",
                "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.minimum-number-of-calls", "2",
                "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.failure-rate-threshold", "50",
                "resilience4j.circuitbreaker.instances.modelslabs-fragile-model.wait-duration-in-open-state", "2s"));
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
        if (harness != null) {
            harness.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    /** The provider calls one scenario made. */
    private record Calls(long submitRequests, long submissions) {
        static Calls now() {
            return new Calls(sim.submitRequests(), sim.submissions());
        }

        Calls since(Calls before) {
            return new Calls(submitRequests - before.submitRequests, submissions - before.submissions);
        }
    }

    private static List<JobStatus> statusesOf(String jobId) {
        return harness.statuses(jobId).stream().map(StatusChanged::status).toList();
    }

    private static void assertLegalSequence(String jobId) {
        var statuses = statusesOf(jobId);
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(statuses.get(i - 1).canMoveTo(statuses.get(i))).as("%s", statuses).isTrue();
        }
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Retryable to the end: dead letter with failure headers, FAILED / PROVIDER_UNAVAILABLE, N submits. */
    private static void assertDeadLettered(EncodedJob job, RecordMetadata sent, String failureClass, int attempts) {
        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(JobError.PROVIDER_UNAVAILABLE);
        assertThat(failed.error().message()).contains("Try again in a few minutes");
        var dlq = harness.awaitDeadLetter(job.jobId());
        assertThat(EventJson.read(dlq.value(), EncodedJob.class)).isEqualTo(job);
        assertThat(header(dlq, "x-original-topic")).isEqualTo(Topics.IMAGE_REQUESTED);
        assertThat(ByteBuffer.wrap(dlq.headers().lastHeader("x-original-partition").value()).getInt()).isEqualTo(sent.partition());
        assertThat(ByteBuffer.wrap(dlq.headers().lastHeader("x-original-offset").value()).getLong()).isEqualTo(sent.offset());
        assertThat(header(dlq, "x-exception-fqcn")).isEqualTo(ProviderFailure.class.getName());
        assertThat(header(dlq, "x-exception-message")).isNotBlank();
        assertThat(header(dlq, "x-desayre-failure-class")).isEqualTo(failureClass);
        assertThat(header(dlq, "x-desayre-attempts")).isEqualTo(Integer.toString(attempts));
        var retries = harness.statuses(job.jobId()).stream().filter(s -> s.status() == JobStatus.RETRYING).toList();
        assertThat(retries).hasSize(attempts - 1);
        for (int i = 0; i < retries.size(); i++) {
            assertThat(retries.get(i).retry().attempt()).isEqualTo(i + 1);
            assertThat(retries.get(i).retry().maxAttempts()).isEqualTo(3);
            assertThat(retries.get(i).retry().nextAttemptAt()).isAfter(retries.get(i).occurredAt());
        }
        assertThat(harness.media(job.jobId())).isEmpty();
        assertLegalSequence(job.jobId());
    }

    @Test
    void anAsyncJobIsPolledToItsResult() {
        var before = Calls.now();
        var job = WorkerHarness.job("a quiet harbour [sim:async] [sim:latency=500]");

        harness.send(job);

        var media = harness.awaitMedia(job.jobId());
        assertThat(media.outputUrls()).hasSize(1).allSatisfy(url -> assertThat(url).startsWith(sim.baseUrl() + "/outputs/"));
        assertThat(media.providerRequestId()).isNotBlank();
        assertThat(media.seed()).isEqualTo(7L);
        assertThat(statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertThat(harness.deadLetters(job.jobId())).isEmpty();
    }

    @Test
    void aFullQueue429IsRetriedAfterItsRetryAfterThenSucceeds() {
        var before = Calls.now();
        var job = WorkerHarness.job("a busy port [sim:fail=429] [sim:retry-after=1] [sim:times=2]");

        harness.send(job);

        harness.awaitMedia(job.jobId());
        var retries = harness.statuses(job.jobId()).stream().filter(s -> s.status() == JobStatus.RETRYING).toList();
        assertThat(retries).hasSize(2);
        for (var retry : retries) {
            // retry_after (1 s) outranks the 100 ms backoff
            assertThat(Duration.between(retry.occurredAt(), retry.retry().nextAttemptAt())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
            assertThat(retry.message()).contains("queue is full").contains("Next try at");
        }
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 1));
        assertThat(harness.deadLetters(job.jobId())).isEmpty();
        assertLegalSequence(job.jobId());
    }

    @Test
    void serverErrorsUntilTheLastAttemptDeadLetterTheJob() {
        var before = Calls.now();
        var job = WorkerHarness.job("a broken bridge [sim:fail=503]");

        var sent = harness.send(job);

        assertDeadLettered(job, sent, "SERVER_ERROR", 3);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 0));
    }

    @Test
    void anHttp200ServerErrorIsAServerErrorToo() {
        var before = Calls.now();
        var job = WorkerHarness.job("a hidden fault [sim:fail=500] [sim:http200error] [sim:times=1]");

        harness.send(job);

        harness.awaitMedia(job.jobId());
        assertThat(statusesOf(job.jobId())).contains(JobStatus.RETRYING);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(2, 1));
    }

    @Test
    void connectionResetsAreRetriedThenDeadLettered() {
        var before = Calls.now();
        var job = WorkerHarness.job("a dropped line [sim:reset]");

        var sent = harness.send(job);

        assertDeadLettered(job, sent, "NETWORK", 3);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 0));
    }

    @Test
    void malformedAnswersAreRetriedThenDeadLettered() {
        var before = Calls.now();
        var job = WorkerHarness.job("garbled [sim:malformed]");

        var sent = harness.send(job);

        assertDeadLettered(job, sent, "MALFORMED", 3);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 0));
    }

    @Test
    void aSubmitPastTheCallTimeoutIsRetriedThenDeadLettered() {
        var before = Calls.now();
        var job = WorkerHarness.job("a slow river [sim:slow=8000]");

        var sent = harness.send(job);

        assertDeadLettered(job, sent, "TIMEOUT", 3);
        // each timed-out submit did create a job at the provider: the cost of resubmit-unknown-outcome=true
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 3));
    }

    @Test
    void aJobPastItsDeadlineIsNotAbandoned() {
        var before = Calls.now();
        // the deadline (3 s) counts from when ModelsLabs took the job; this one takes 5 s there
        var job = WorkerHarness.job("deadline-model", "a slow but sure task [sim:async] [sim:latency=5000]");

        harness.send(job);

        var late = harness.awaitStatus(job.jobId(), s -> s.status() == JobStatus.PROCESSING && s.message().contains("longer than usual"));
        assertThat(late.message()).contains("ModelsLabs has been working on it for", "keeps waiting");
        harness.awaitMedia(job.jobId());
        assertThat(statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING, JobStatus.PROCESSING);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertThat(harness.deadLetters(job.jobId())).isEmpty();
    }

    @Test
    void aJobThatNeverFinishesIsPolledOnUntilTheProviderKeepsItNoLonger() {
        var before = Calls.now();
        var job = WorkerHarness.job("deadline-model", "an endless task [sim:async] [sim:never]");

        harness.send(job);

        harness.awaitStatus(job.jobId(), s -> s.status() == JobStatus.PROCESSING && s.message().contains("longer than usual"));
        var fetchesWhenLate = sim.fetches();
        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        // past the deadline it was polled on (slowly) until ModelsLabs' retention (6 s here, 24 h for real) was over
        assertThat(sim.fetches()).isGreaterThan(fetchesWhenLate);
        assertThat(failed.error().code()).isEqualTo(JobError.PROVIDER_EXPIRED);
        assertThat(failed.error().message()).contains("keeps a job no longer");
        assertThat(statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING, JobStatus.PROCESSING,
                JobStatus.FAILED);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertThat(harness.deadLetters(job.jobId())).isEmpty();
    }

    @Test
    void pollErrorsAreNotFailures() {
        var before = Calls.now();
        var fetches = sim.fetches();
        var job = WorkerHarness.job("a patient lake [sim:async] [sim:latency=200] [sim:poll-fail=503] [sim:times=2]");

        harness.send(job);

        harness.awaitMedia(job.jobId());
        assertThat(statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertThat(sim.fetches() - fetches).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aBadKeyFailsAtOnceAndTheKeyNeverShows(CapturedOutput output) {
        var before = Calls.now();
        var refused = WorkerHarness.job("a locked door [sim:fail=401] [sim:echo-key]");
        var quirky = WorkerHarness.job("a locked gate [sim:fail=401] [sim:http200error] [sim:echo-key]");

        harness.send(refused);
        harness.send(quirky);

        for (var job : List.of(refused, quirky)) {
            var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo(JobError.PROVIDER_AUTH);
            assertThat(failed.error().message()).contains("administrator");
            assertThat(statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.FAILED);
            assertThat(harness.deadLetters(job.jobId())).isEmpty();
        }
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(2, 0));
        assertThat(harness.everythingPublished()).doesNotContain(WorkerHarness.KEY);
        assertThat(output.getAll()).contains(refused.jobId()).doesNotContain(WorkerHarness.KEY);
    }

    @Test
    void validationErrorsFailAtOnceSayingWhy() {
        var before = Calls.now();
        var plain = WorkerHarness.job("a wide view [sim:fail=400]");
        var quirky = WorkerHarness.job("a wide sea [sim:http200error]");

        harness.send(plain);
        harness.send(quirky);

        for (var job : List.of(plain, quirky)) {
            var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
            assertThat(failed.error().code()).isEqualTo(JobError.PROVIDER_REJECTED);
            assertThat(failed.error().message()).contains("width must be between 256 and 1024");
            assertThat(harness.deadLetters(job.jobId())).isEmpty();
        }
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(2, 0));
    }

    @Test
    void moderatedOutputIsAContentPolicyFailure() {
        var before = Calls.now();
        var job = WorkerHarness.job("something unseemly [sim:async] [sim:latency=100] [sim:nsfw]");

        harness.send(job);

        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(JobError.CONTENT_POLICY);
        assertThat(failed.error().message()).contains("content policy");
        assertThat(harness.media(job.jobId())).isEmpty();
        assertThat(harness.deadLetters(job.jobId())).isEmpty();
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
    }

    @Test
    void anOpenBreakerParksTheJobInsteadOfSpendingAttempts() {
        var before = Calls.now();
        // two failures open the fragile model's breaker; the third attempt waits for it, then works
        var job = WorkerHarness.job("fragile-model", "a fragile vase [sim:fail=503] [sim:times=2]");

        harness.send(job);

        harness.awaitMedia(job.jobId());
        var parked = harness.statuses(job.jobId()).stream()
                .filter(s -> s.status() == JobStatus.RETRYING && s.message().contains("waits until it recovers")).toList();
        assertThat(parked).hasSize(1);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 1));
        var registry = worker.getBean(MeterRegistry.class);
        assertThat(registry.find("resilience4j.circuitbreaker.state").tag("name", "modelslabs-fragile-model").gauges()).isNotEmpty();
        assertThat(registry.find("desayre.provider.calls").tag("model", "fragile-model").tag("outcome", "server_error")
                .timer().count()).isEqualTo(2);
        assertThat(registry.find("desayre.provider.retries").tag("model", "fragile-model").counter().count()).isEqualTo(2);
        assertLegalSequence(job.jobId());
    }

    @Test
    void aRedeliveredRecordDoesNothing() {
        var before = Calls.now();
        var job = WorkerHarness.job("a twice-told tale [sim:async] [sim:latency=300]");

        harness.send(job);
        var again = harness.send(job);
        harness.awaitMedia(job.jobId());
        harness.awaitCommitted(again);

        assertThat(harness.media(job.jobId())).hasSize(1);
        assertThat(statusesOf(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.PROCESSING);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
    }

    @Test
    void anEditSendsTheSourceImageAndGetsADerivedPng() throws Exception {
        var http = HttpClient.newHttpClient();
        var json = JsonMapper.builder().build();
        var original = json.readTree(http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v7/images/text-to-image"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"someone\",\"model_id\":\"nano-banana-pro\","
                        + "\"prompt\":\"a red barn\",\"aspect_ratio\":\"4:3\"}")).build(), HttpResponse.BodyHandlers.ofString()).body());
        var sourceUrl = original.get("output").get(0).asString();
        var sourceKey = sourceUrl.substring(sourceUrl.lastIndexOf('/') + 1);
        var spec = WorkerHarness.spec(JobKind.EDIT, "paint the barn blue", sourceKey);
        var job = EncodedJob.of(UUID.randomUUID().toString(), spec,
                new Route("modelslabs", "grok-imagine-image-i2i", Priority.INTERACTIVE), "paint the barn blue", null, "test");
        var before = Calls.now();

        harness.send(job);

        var media = harness.awaitMedia(job.jobId());
        var png = http.send(HttpRequest.newBuilder(URI.create(media.outputUrls().get(0))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.statusCode()).isEqualTo(200);
        var image = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertThat(image.getWidth()).isEqualTo(1376);
        assertThat(image.getHeight()).isEqualTo(768);
        assertThat(media.route().model()).isEqualTo("grok-imagine-image-i2i");
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
    }

    @Test
    void theAccountQueueBulkheadKeepsDesayreFrom429s() {
        var before = Calls.now();
        var full = sim.queueFullAnswers();
        var jobs = new ArrayList<EncodedJob>();
        for (int i = 0; i < 12; i++) {
            jobs.add(WorkerHarness.job("crowd " + i + " [sim:async] [sim:latency=400]"));
        }

        jobs.forEach(harness::send);

        for (var job : jobs) {
            harness.awaitMedia(job.jobId());
        }
        assertThat(sim.queueFullAnswers() - full).isZero();
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(12, 12));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(worker.getBean(MeterRegistry.class)
                .find("desayre.image.jobs").tag("result", "completed").counters()).isNotEmpty());
    }

}
