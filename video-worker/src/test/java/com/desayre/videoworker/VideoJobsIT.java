package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.EventJson;
import com.desayre.contracts.JobError;
import com.desayre.contracts.JobStatus;
import com.desayre.contracts.StatusChanged;
import com.desayre.contracts.Topics;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jcodec.api.FrameGrab;
import org.jcodec.common.io.ByteBufferSeekableByteChannel;
import org.jcodec.containers.mp4.demuxer.MP4Demuxer;
import org.jcodec.scale.AWTUtil;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * The video-worker through the real broker, Postgres and HTTP to the simulator: both modes, each
 * failure class, cancellation, the deadline and the SUBMISSION_UNKNOWN rule, scripted by prompt
 * directives. Each asserts the final status, the events, the dead letter (or its absence) and how
 * many videos the simulator was asked for.
 */
class VideoJobsIT {
    private static ProviderSimulator sim;
    private static VideoHarness harness;
    private static ConfigurableApplicationContext worker;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        sim = ProviderSimulator.start(SimulatorSettings.defaults().withVideoLatency(Duration.ofMillis(800)));
        harness = new VideoHarness("video_worker_it");
        worker = harness.startWorker(sim.baseUrl(), Map.of(
                "desayre.xai.models[grok-imagine-video-1.5-lite].job-deadline", "3s",
                "desayre.xai.provider-retention", "6s"));
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

    /** The provider calls one scenario made: submit requests, and videos created (billed). */
    private record Calls(long submitRequests, long submissions) {
        static Calls now() {
            return new Calls(sim.submitRequests(), sim.submissions());
        }

        Calls since(Calls before) {
            return new Calls(submitRequests - before.submitRequests, submissions - before.submissions);
        }
    }

    private static void assertLegalSequence(String jobId) {
        var statuses = harness.statusList(jobId);
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(statuses.get(i - 1).canMoveTo(statuses.get(i))).as("%s", statuses).isTrue();
        }
    }

    private static byte[] download(String url) throws Exception {
        var response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The MP4's own index: its duration in seconds. */
    static double seconds(byte[] mp4) throws IOException {
        var demuxer = MP4Demuxer.createMP4Demuxer(ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4)));
        return demuxer.getVideoTrack().getMeta().getTotalDuration();
    }

    @Test
    void textToVideoReportsProgressAndEndsWithAPlayableMp4OfTheAskedLength() throws Exception {
        var before = Calls.now();
        var job = VideoHarness.job(VideoHarness.MODEL, "waves at dusk [sim:latency=1500]", null, 3, "720p");

        harness.send(job);

        var media = harness.awaitMedia(job.jobId());
        assertThat(media.providerRequestId()).matches("[0-9a-f-]{36}");
        assertThat(media.outputUrls()).hasSize(1).allSatisfy(url -> assertThat(url).startsWith(sim.baseUrl() + "/outputs/").endsWith(".mp4"));
        var statuses = harness.statuses(job.jobId());
        assertThat(statuses.get(0).status()).isEqualTo(JobStatus.SUBMITTED);
        assertThat(statuses.subList(1, statuses.size())).isNotEmpty().allSatisfy(s -> assertThat(s.status()).isEqualTo(JobStatus.PROCESSING));
        // xAI's progress, with the time since the job was accepted
        assertThat(statuses).anySatisfy(s -> {
            assertThat(s.progress()).isBetween(0, 99);
            assertThat(s.message()).contains("%").contains(" s.");
        });
        var mp4 = download(media.outputUrls().get(0));
        assertThat(seconds(mp4)).isCloseTo(3.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertThat(harness.records(VideoHarness.DLQ, job.jobId())).isEmpty();
    }

    @Test
    void imageToVideoStartsFromTheStoredImageAtAUrlXaiCanFetch() throws Exception {
        var json = JsonMapper.builder().build();
        var png = json.readTree(http.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/api/v7/images/text-to-image"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"k\",\"model_id\":\"nano-banana-pro\","
                        + "\"prompt\":\"a red barn\",\"aspect_ratio\":\"1:1\"}")).build(), HttpResponse.BodyHandlers.ofString()).body())
                .get("output").get(0).asString();
        var sourceKey = png.substring(png.lastIndexOf('/') + 1);
        var job = VideoHarness.job(VideoHarness.MODEL, "the barn in the wind", sourceKey, 1, null);

        harness.send(job);

        var mp4 = download(harness.awaitMedia(job.jobId()).outputUrls().get(0));
        var first = AWTUtil.toBufferedImage(FrameGrab.createFrameGrab(
                ByteBufferSeekableByteChannel.readFromByteBuffer(ByteBuffer.wrap(mp4))).getNativeFrame());
        // the square source image, not the 16:9 a text-to-video job gets
        assertThat(first.getWidth()).isEqualTo(first.getHeight());
        assertThat(seconds(mp4)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(0.1));
    }

    @Test
    void failedExpiredAndModeratedVideosEndAtOnceWithTheirOwnCodes() {
        var before = Calls.now();
        var failed = VideoHarness.job("a storm [sim:failed]");
        var expired = VideoHarness.job("a tide [sim:expire]");
        var moderated = VideoHarness.job("something unseemly [sim:nsfw]");

        List.of(failed, expired, moderated).forEach(harness::send);

        assertFailed(failed, JobError.PROVIDER_FAILED, "could not finish it: The video could not be generated.");
        assertFailed(expired, JobError.PROVIDER_EXPIRED, "expired");
        assertFailed(moderated, JobError.CONTENT_POLICY, "content policy");
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 3));
    }

    private static StatusChanged assertFailed(EncodedJob job, String code, String says) {
        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(code);
        assertThat(failed.error().message()).contains(says);
        assertThat(failed.stage()).isEqualTo("video-worker");
        assertThat(harness.media(job.jobId())).isEmpty();
        assertThat(harness.records(VideoHarness.DLQ, job.jobId())).isEmpty();
        assertLegalSequence(job.jobId());
        return failed;
    }

    @Test
    void aRefusedKeyOrARejectedRequestFailsAtOnceAndTheKeyNeverShows() {
        var before = Calls.now();
        var badKey = VideoHarness.job("a locked door [sim:fail=400] [sim:echo-key]");
        var unauthorized = VideoHarness.job("a locked gate [sim:fail=401]");
        var invalid = VideoHarness.job("a wide sea [sim:fail=422]");

        List.of(badKey, unauthorized, invalid).forEach(harness::send);

        assertFailed(badKey, JobError.PROVIDER_AUTH, "administrator");
        assertFailed(unauthorized, JobError.PROVIDER_AUTH, "administrator");
        assertFailed(invalid, JobError.PROVIDER_REJECTED, "duration must be between 1 and 15");
        assertThat(harness.statusList(badKey.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.FAILED);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 0));
        assertThat(harness.everythingPublished()).doesNotContain(VideoHarness.KEY);
    }

    @Test
    void aRateLimitIsRetriedThenTheVideoIsMadeOnce() {
        var before = Calls.now();
        var job = VideoHarness.job("a busy port [sim:fail=429] [sim:retry-after=1] [sim:times=2]");

        harness.send(job);

        harness.awaitMedia(job.jobId());
        var retries = harness.statuses(job.jobId()).stream().filter(s -> s.status() == JobStatus.RETRYING).toList();
        assertThat(retries).hasSize(2).allSatisfy(r -> {
            assertThat(r.retry().maxAttempts()).isEqualTo(3);
            assertThat(Duration.between(r.occurredAt(), r.retry().nextAttemptAt())).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        });
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 1));
        assertLegalSequence(job.jobId());
    }

    @Test
    void serverErrorsOnEverySubmitDeadLetterTheJob() {
        var before = Calls.now();
        var job = VideoHarness.job("a broken bridge [sim:fail=503]");

        harness.send(job);

        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(JobError.PROVIDER_UNAVAILABLE);
        var dlq = harness.awaitDeadLetter(job.jobId());
        assertThat(EventJson.read(dlq.value(), EncodedJob.class)).isEqualTo(job);
        assertThat(dlq.headers()).containsEntry("x-original-topic", Topics.VIDEO_REQUESTED)
                .containsEntry("x-desayre-failure-class", "SERVER_ERROR").containsEntry("x-desayre-attempts", "3")
                .containsEntry("x-desayre-stage", "video-worker");
        assertThat(harness.statusList(job.jobId()).stream().filter(s -> s == JobStatus.RETRYING)).hasSize(2);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(3, 0));
        assertLegalSequence(job.jobId());
    }

    @Test
    void pollErrorsAndDroppedPollsAreNotFailures() {
        var before = Calls.now();
        var erring = VideoHarness.job("a patient lake [sim:latency=300] [sim:poll-fail=503] [sim:times=2]");
        var dropping = VideoHarness.job("a patient pond [sim:latency=300] [sim:poll-reset] [sim:times=2]");

        harness.send(erring);
        harness.send(dropping);

        for (var job : List.of(erring, dropping)) {
            harness.awaitMedia(job.jobId());
            assertThat(harness.statusList(job.jobId())).doesNotContain(JobStatus.RETRYING, JobStatus.FAILED);
        }
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(2, 2));
    }

    @Test
    void aVideoPastItsDeadlineIsPolledOnUntilXaiKeepsItNoLonger() {
        var before = Calls.now();
        var job = VideoHarness.job("grok-imagine-video-1.5-lite", "an endless task [sim:never]", null, 2, null);

        harness.send(job);

        // the deadline (3 s from when xAI took it) passes: late, not lost
        var late = harness.awaitStatus(job.jobId(), s -> s.status() == JobStatus.PROCESSING && s.message().contains("longer than usual"));
        assertThat(late.message()).contains("xAI has been working on it for");
        var fetchesWhenLate = sim.fetches();
        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        assertThat(sim.fetches()).isGreaterThan(fetchesWhenLate);
        assertThat(failed.error().code()).isEqualTo(JobError.PROVIDER_EXPIRED);
        assertThat(failed.error().message()).contains("keeps a job no longer");
        assertThat(harness.records(VideoHarness.DLQ, job.jobId())).isEmpty();
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertLegalSequence(job.jobId());
    }

    @Test
    void aVideoPastItsDeadlineIsNotAbandoned() {
        var before = Calls.now();
        var job = VideoHarness.job("grok-imagine-video-1.5-lite", "a slow sunrise [sim:latency=4500]", null, 2, null);

        harness.send(job);

        harness.awaitMedia(job.jobId());
        assertThat(harness.statuses(job.jobId())).anySatisfy(s -> assertThat(s.message()).contains("longer than usual"));
        assertThat(harness.statusList(job.jobId())).doesNotContain(JobStatus.FAILED, JobStatus.RETRYING);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
        assertLegalSequence(job.jobId());
    }

    @Test
    void aSubmitWhoseAnswerNeverCameIsNotSentAgain() {
        var before = Calls.now();
        // xAI creates the video, but its answer comes after the 2 s call timeout
        var job = VideoHarness.job("a slow river [sim:slow=5000]");

        harness.send(job);

        var failed = harness.awaitStatus(job.jobId(), JobStatus.FAILED);
        assertThat(failed.error().code()).isEqualTo(JobError.SUBMISSION_UNKNOWN);
        // xAI's side of the call failed (not this worker): the message says so, which the chaos harness counts by
        assertThat(failed.error().message()).startsWith("We lost contact with xAI while sending this job.")
                .contains("not sent again").contains("try again");
        assertThat(harness.awaitDeadLetter(job.jobId()).headers()).containsEntry("x-desayre-failure-class", "TIMEOUT");
        assertThat(harness.statusList(job.jobId())).containsExactly(JobStatus.SUBMITTED, JobStatus.FAILED);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(1, 1));
    }

    @Test
    void aCancelledVideoIsNoLongerPolledAndEndsCancelled() {
        var job = VideoHarness.job("a long take [sim:never]");
        harness.send(job);
        harness.awaitStatus(job.jobId(), s -> s.status() == JobStatus.PROCESSING && s.progress() != null);

        harness.cancel(job.jobId());

        var cancelled = harness.awaitStatus(job.jobId(), JobStatus.CANCELLED);
        assertThat(cancelled.stage()).isEqualTo("video-worker");
        await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.row(job.jobId()).get("state")));
        var polls = harness.row(job.jobId()).get("polls");
        // a later video, polled to its end, gives the dispatcher many turns: none of them polls the cancelled one
        var marker = VideoHarness.job("a marker [sim:latency=1000]");
        harness.send(marker);
        harness.awaitMedia(marker.jobId());
        assertThat(harness.row(job.jobId()).get("polls")).isEqualTo(polls);
        assertThat(harness.media(job.jobId())).isEmpty();
        assertThat(harness.statusList(job.jobId())).endsWith(JobStatus.CANCELLED).doesNotContain(JobStatus.FAILED);
        assertLegalSequence(job.jobId());
    }

    @Test
    void aCancelThatArrivesFirstKeepsTheVideoFromEverBeingMade() {
        var before = Calls.now();
        var job = VideoHarness.job("an unwanted scene");

        harness.cancel(job.jobId());
        await().atMost(Duration.ofSeconds(30)).until(() -> "CANCELLED".equals(harness.row(job.jobId()).get("state")));
        harness.send(job);

        harness.awaitStatus(job.jobId(), JobStatus.CANCELLED);
        assertThat(harness.statusList(job.jobId())).containsExactly(JobStatus.CANCELLED);
        assertThat(Calls.now().since(before)).isEqualTo(new Calls(0, 0));
    }
}
