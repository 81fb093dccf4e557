package com.desayre.imageworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.contracts.StatusChanged;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * A busy morning: far more jobs than the provider's 5 places can finish within the provider
 * deadline. Time spent waiting in DESAYRE's own line must not count against that deadline, so
 * every job completes, each is sent to the provider exactly once (the simulator's count per
 * {@code track_id}), and each is told its place in line as it moves up. A request's own
 * {@code maxWaitSeconds} ends a waiting job that was never sent.
 */
class CrowdIT {
    private static final int JOBS = 60;
    private static final int PLACES = 5;
    private static final HttpClient http = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ProviderSimulator sim;
    private static WorkerHarness harness;
    private static ConfigurableApplicationContext worker;

    @BeforeAll
    static void start() {
        // the provider takes 1 s per image and keeps 10 unfinished jobs per key (more answer 429): 5 places per instance
        sim = ProviderSimulator.start(SimulatorSettings.defaults().withMode(SimulatorSettings.Mode.ASYNC)
                .withLatency(Duration.ofSeconds(1)).withQueueLimit(2 * PLACES));
        harness = new WorkerHarness("image_worker_crowd");
        worker = harness.startWorker(sim.baseUrl(), Map.of(
                // 60 jobs through 5 places at 1 s each take 12 s: four times the provider deadline
                "desayre.modelslabs.models.nano-banana-pro.job-deadline", "3s",
                "resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", Integer.toString(PLACES),
                "desayre.image-worker.queue-notice-every", "500ms"));
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

    private static EncodedJob job(String prompt, Integer maxWaitSeconds) {
        var spec = new JobSpec("tester", JobKind.IMAGE, prompt, "16:9", 1376, 768, 7L, null, true, Priority.INTERACTIVE, null,
                null, null, maxWaitSeconds);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                prompt, null, "test");
    }

    /** How many jobs the simulator created for this DESAYRE job (its track_id), read over HTTP. */
    private static long submissionsAtProvider(String jobId) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/sim/submissions/" + jobId)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body()).path("submissions").asLong();
    }

    private static List<StatusChanged.QueueInfo> placesTold(String jobId) {
        return harness.statuses(jobId).stream().filter(s -> s.status() == JobStatus.WAITING).map(StatusChanged::queue).toList();
    }

    @Test
    void aBacklogLongerThanTheProviderDeadlineAllCompletesEachSentOnce() throws Exception {
        var jobs = crowd("a crowd of lighthouses", JOBS);
        assertEveryJobCompletedOnceTellingItsPlaceAsItMovedUp(jobs);
        var told = jobs.stream().filter(j -> !placesTold(j.jobId()).isEmpty()).count();
        var notices = jobs.stream().mapToInt(j -> placesTold(j.jobId()).size()).sum();
        System.out.printf("CrowdIT: %d jobs, %d told their place, %d WAITING notices (at most %d for one job)%n", JOBS, told, notices,
                jobs.stream().mapToInt(j -> placesTold(j.jobId()).size()).max().orElse(0));
    }

    @Test
    void twoInstancesSharingTheLineTellEachPlaceOnce() throws Exception {
        try (var second = harness.startWorker(sim.baseUrl(), Map.of(
                "desayre.modelslabs.models.nano-banana-pro.job-deadline", "3s",
                "resilience4j.bulkhead.instances.modelslabs.max-concurrent-calls", Integer.toString(PLACES),
                "desayre.image-worker.queue-notice-every", "500ms"))) {
            var jobs = crowd("a crowd shared by two workers", JOBS);
            // a place told by both instances would show as the same position twice
            assertEveryJobCompletedOnceTellingItsPlaceAsItMovedUp(jobs);
        }
    }

    /** The worker's table by state and lease, to say where jobs stuck. */
    private static List<String> table() {
        var pg = com.desayre.testsupport.TestServers.postgres();
        try (var connection = java.sql.DriverManager.getConnection(pg.jdbcUrl(harness.database), pg.username(), pg.password());
             var query = connection.prepareStatement("select state, lease_owner is not null, next_at <= now(), count(*)"
                     + " from image_worker.image_worker_jobs group by 1, 2, 3");
             var result = query.executeQuery()) {
            var rows = new ArrayList<String>();
            while (result.next()) {
                rows.add(result.getString(1) + " leased=" + result.getBoolean(2) + " due=" + result.getBoolean(3) + ": " + result.getLong(4));
            }
            return rows;
        } catch (java.sql.SQLException e) {
            return List.of(e.toString());
        }
    }

    private static List<EncodedJob> crowd(String prompt, int size) {
        var jobs = new ArrayList<EncodedJob>();
        for (int i = 0; i < size; i++) {
            jobs.add(job(prompt + ", number " + i, null));
        }
        jobs.forEach(harness::send);
        return jobs;
    }

    private static void assertEveryJobCompletedOnceTellingItsPlaceAsItMovedUp(List<EncodedJob> jobs) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(120)).until(() -> jobs.stream().allMatch(j -> !harness.media(j.jobId()).isEmpty()
                    || harness.statuses(j.jobId()).stream().anyMatch(s -> s.status().isTerminal())));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not every job ended; the worker's table: " + table(), e);
        }

        var failed = jobs.stream().flatMap(j -> harness.statuses(j.jobId()).stream())
                .filter(s -> s.status() == JobStatus.FAILED).toList();
        assertThat(failed).as("jobs failed while the provider was healthy").isEmpty();
        for (var job : jobs) {
            assertThat(harness.media(job.jobId())).as("media of %s", job.jobId()).hasSize(1);
            assertThat(submissionsAtProvider(job.jobId())).as("submissions of %s", job.jobId()).isEqualTo(1);
            assertThat(harness.deadLetters(job.jobId())).isEmpty();
            var places = placesTold(job.jobId());
            for (var place : places) {
                assertThat(place.model()).isEqualTo("nano-banana-pro");
                assertThat(place.lane()).isEqualTo(Priority.INTERACTIVE);
                assertThat(place.ahead()).isEqualTo(place.position() - 1);
                assertThat(place.position()).isBetween(1, JOBS);
            }
            var positions = places.stream().map(StatusChanged.QueueInfo::position).toList();
            assertThat(positions).as("places told to %s", job.jobId()).isSortedAccordingTo((a, b) -> Integer.compare(b, a))
                    .doesNotHaveDuplicates();
        }
        // all but the first few waited in line, and were told so, and as it moved
        var told = jobs.stream().filter(j -> !placesTold(j.jobId()).isEmpty()).count();
        assertThat(told).isGreaterThanOrEqualTo(jobs.size() - 4L * PLACES);
        assertThat(jobs.stream().filter(j -> placesTold(j.jobId()).size() > 1).count()).isGreaterThan(jobs.size() / 3);
        // once the provider had finished a few, the line knew how long the wait would be
        assertThat(jobs.stream().flatMap(j -> placesTold(j.jobId()).stream()).anyMatch(q -> q.etaSeconds() != null)).isTrue();
    }

    @Test
    void aJobThatWaitsLongerThanItsRequestAllowsEndsExpiredAndIsNeverSent() throws Exception {
        // the provider's 5 places are taken by slow jobs, and one more waits ahead
        var blockers = new ArrayList<EncodedJob>();
        for (int i = 0; i < PLACES; i++) {
            blockers.add(job("a slow blocker " + i + " [sim:latency=4000]", null));
        }
        blockers.forEach(harness::send);
        blockers.forEach(b -> harness.awaitStatus(b.jobId(), JobStatus.SUBMITTED));
        var ahead = job("a job ahead in line", null);
        harness.send(ahead);
        harness.awaitStatus(ahead.jobId(), JobStatus.WAITING);
        var impatient = job("an impatient job", 1);
        harness.send(impatient);

        var failed = harness.awaitStatus(impatient.jobId(), JobStatus.FAILED);

        assertThat(failed.error().code()).isEqualTo(JobError.EXPIRED_IN_QUEUE);
        // the real cause: how long, behind whom, for which model, and what the request allowed
        assertThat(failed.error().message()).contains("waited", "nano-banana-pro", "interactive lane", "1 job still ahead",
                "5 at ModelsLabs", "at most 1 s", "never sent");
        assertThat(harness.statuses(impatient.jobId())).extracting(StatusChanged::status)
                .doesNotContain(JobStatus.SUBMITTED, JobStatus.PROCESSING).endsWith(JobStatus.FAILED);
        // it held no place: the jobs around it go on and finish
        harness.awaitMedia(ahead.jobId());
        blockers.forEach(b -> harness.awaitMedia(b.jobId()));
        assertThat(submissionsAtProvider(impatient.jobId())).isZero();
        assertThat(submissionsAtProvider(ahead.jobId())).isEqualTo(1);
        assertThat(harness.deadLetters(impatient.jobId())).isEmpty();
    }
}
