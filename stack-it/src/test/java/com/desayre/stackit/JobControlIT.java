package com.desayre.stackit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Controlling jobs through the running studio: cancel, retry, idempotent submission, the all-jobs stream, video requests. */
class JobControlIT {
    private static Studio studio;

    @BeforeAll
    static void start() throws Exception {
        studio = Studio.get();
    }

    private static String jobId(java.net.http.HttpResponse<String> accepted) {
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return Studio.JSON.readTree(accepted.body()).get("jobId").asString();
    }

    @Test
    void aRunningJobCanBeCancelledOnceAndItsStreamEndsCancelled() throws Exception {
        // the simulator holds this one for a minute: long enough to cancel it mid-flight
        var jobId = studio.submitImage("[sim:async] [sim:latency=60000] a slow sunrise, cancel test", "1:1");
        await().atMost(Duration.ofSeconds(30)).until(() -> Studio.JSON.readTree(studio.get("/api/jobs/" + jobId, studio.token)
                .body()).get("status").asString().equals("PROCESSING"));

        var cancelled = studio.post("/api/jobs/" + jobId + "/cancel", studio.token, "");
        assertThat(cancelled.statusCode()).as(cancelled.body()).isEqualTo(202);
        assertThat(Studio.JSON.readTree(cancelled.body()).get("status").asString()).isEqualTo("CANCELLED");

        var stream = studio.sse("/api/jobs/" + jobId + "/events");
        assertThat(stream).last().satisfies(last -> assertThat(last.get("status").asString()).isEqualTo("CANCELLED"));
        var again = studio.post("/api/jobs/" + jobId + "/cancel", studio.token, "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(Studio.JSON.readTree(again.body()).get("type").asString()).isEqualTo("/problems/job-finished");
        await().atMost(Duration.ofSeconds(30)).until(() -> Studio.JSON.readTree(studio.get("/api/history/" + jobId, studio.token)
                .body()).get("job").get("status").asString().equals("CANCELLED"));
    }

    @Test
    void aFailedJobIsRetriedAsANewJobWithTheSameInputs() throws Exception {
        var failedId = studio.submitImage("[sim:fail=400] a rejected request, retry test", "4:3");
        assertThat(studio.awaitTerminal(failedId).get("status").asString()).isEqualTo("FAILED");
        await().atMost(Duration.ofSeconds(30)).until(() -> studio.get("/api/history/" + failedId, studio.token).statusCode() == 200
                && Studio.JSON.readTree(studio.get("/api/history/" + failedId, studio.token).body()).get("job").get("status")
                .asString().equals("FAILED"));

        var retryId = jobId(studio.post("/api/jobs/" + failedId + "/retry", studio.token, ""));
        assertThat(retryId).isNotEqualTo(failedId);
        studio.awaitTerminal(retryId);
        await().atMost(Duration.ofSeconds(30)).until(() -> studio.get("/api/history/" + retryId, studio.token).statusCode() == 200);
        var retried = Studio.JSON.readTree(studio.get("/api/history/" + retryId, studio.token).body()).get("job");
        assertThat(retried.get("prompt").asString()).isEqualTo("[sim:fail=400] a rejected request, retry test");
        assertThat(retried.get("aspectRatio").asString()).isEqualTo("4:3");

        var completed = studio.submitImage("a finished job cannot be retried", "1:1");
        studio.awaitTerminal(completed);
        await().atMost(Duration.ofSeconds(30)).until(() -> studio.get("/api/history/" + completed, studio.token).statusCode() == 200);
        assertThat(studio.post("/api/jobs/" + completed + "/retry", studio.token, "").statusCode()).isEqualTo(409);
    }

    @Test
    void anIdempotencyKeyTurnsARetriedPostIntoTheSameJob() throws Exception {
        var key = Map.of("Idempotency-Key", UUID.randomUUID().toString());
        var body = "{\"prompt\":\"a paper boat on a pond, idempotency test\"}";
        var first = jobId(studio.post("/api/generate/image", studio.token, body, key));
        var second = jobId(studio.post("/api/generate/image", studio.token, body, key));
        assertThat(second).isEqualTo(first);

        var different = studio.post("/api/generate/image", studio.token, "{\"prompt\":\"something else\"}", key);
        assertThat(different.statusCode()).isEqualTo(422);
        assertThat(Studio.JSON.readTree(different.body()).get("type").asString()).isEqualTo("/problems/idempotency-key-reused");
        var fresh = jobId(studio.post("/api/generate/image", studio.token, body, Map.of("Idempotency-Key", UUID.randomUUID().toString())));
        assertThat(fresh).isNotEqualTo(first);
    }

    @Test
    void theAllJobsStreamCarriesEveryStatusAndResumesFromLastEventId() throws Exception {
        var jobs = new java.util.concurrent.CopyOnWriteArraySet<String>();
        var streamed = studio.sseUntil("/api/events", Map.of(),
                () -> jobs.add(studio.submitImage("a kite over the dunes, events test", "1:1")),
                events -> events.stream().anyMatch(e -> jobs.contains(e.data().get("jobId").asString())
                        && e.data().get("status").asString().equals("COMPLETED")));
        var jobId = jobs.iterator().next();
        var mine = streamed.stream().filter(e -> e.data().get("jobId").asString().equals(jobId)).toList();
        var statuses = mine.stream().map(e -> e.data().get("status").asString()).toList();
        assertThat(statuses).contains("ENCODED", "COMPLETED");
        assertThat(mine).allSatisfy(e -> assertThat(e.id()).isNotBlank());

        var resumeAfter = mine.get(0);
        var resumed = studio.sseUntil("/api/events", Map.of("Last-Event-ID", resumeAfter.id()), events -> events.stream()
                .anyMatch(e -> e.data().get("jobId").asString().equals(jobId) && e.data().get("status").asString().equals("COMPLETED")));
        var resumedIds = resumed.stream().map(Studio.Event::id).toList();
        assertThat(resumedIds).doesNotContain(resumeAfter.id()).contains(mine.get(mine.size() - 1).id());
    }

    @Test
    void videoRequestsAreCheckedAndTakeAFinishedImageAsTheirStart() throws Exception {
        var image = studio.submitImage("a harbour crane, video source", "16:9");
        studio.awaitTerminal(image);
        await().atMost(Duration.ofSeconds(30)).until(() -> studio.get("/api/history/" + image, studio.token).statusCode() == 200);

        var bad = studio.post("/api/generate/video", studio.token,
                "{\"prompt\":\"it moves\",\"durationSeconds\":99,\"resolution\":\"8k\",\"sourceJobId\":\"no-such-job\"}");
        assertThat(bad.statusCode()).isEqualTo(400);
        var fields = new HashSet<String>();
        Studio.JSON.readTree(bad.body()).get("errors").forEach(e -> fields.add(e.get("field").asString()));
        assertThat(fields).contains("durationSeconds", "resolution");
        var unknownSource = studio.post("/api/generate/video", studio.token, "{\"prompt\":\"it moves\",\"sourceJobId\":\"no-such-job\"}");
        assertThat(unknownSource.statusCode()).isEqualTo(400);
        assertThat(unknownSource.body()).contains("sourceJobId");

        var video = jobId(studio.post("/api/generate/video", studio.token,
                "{\"prompt\":\"the crane swings slowly\",\"sourceJobId\":\"" + image + "\",\"durationSeconds\":4,\"resolution\":\"480p\"}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> studio.get("/api/history/" + video, studio.token).statusCode() == 200);
        var job = Studio.JSON.readTree(studio.get("/api/history/" + video, studio.token).body()).get("job");
        assertThat(job.get("kind").asString()).isEqualTo("VIDEO");
        assertThat(job.get("prompt").asString()).isEqualTo("the crane swings slowly");
    }
}
