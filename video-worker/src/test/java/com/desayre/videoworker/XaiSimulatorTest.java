package com.desayre.videoworker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.providersim.ProviderSimulator;
import com.desayre.providersim.SimulatorSettings;
import com.desayre.workerkit.FailureClass;
import com.desayre.workerkit.JobRow;
import com.desayre.workerkit.ProviderAnswer;
import com.desayre.workerkit.ProviderFailure;
import com.desayre.workerkit.ProviderHttp;
import io.github.resilience4j.timelimiter.TimeLimiter;
import io.github.resilience4j.timelimiter.TimeLimiterConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The xAI client's futures against the real provider simulator, without Spring: what each call
 * completes with, or fails with, when xAI renders, refuses, is slow, expires or moderates a video.
 * (The exact HTTP is pinned by {@code XaiContractTest}; what the worker does with each outcome by
 * worker-kit's step-machine tests.)
 */
class XaiSimulatorTest {
    private static final String KEY = "xai-sim-" + UUID.randomUUID();
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final ProviderSimulator SIM = ProviderSimulator.start(SimulatorSettings.defaults()
            .withMode(SimulatorSettings.Mode.ASYNC).withLatency(Duration.ofMillis(300)));

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final XaiClient client = new XaiClient(new XaiSettings(SIM.baseUrl(), KEY, SIM.baseUrl() + "/outputs",
            Duration.ofMinutes(15), Duration.ofMillis(100), Duration.ofMillis(400), 2, "480p", Map.of(), null, null),
            new ProviderHttp("xAI", KEY, callbacks, timers));

    @AfterEach
    void stopThreads() {
        callbacks.shutdownNow();
        timers.shutdownNow();
    }

    @AfterAll
    static void stopSimulator() {
        SIM.close();
    }

    private static EncodedJob job(String prompt) {
        var spec = new JobSpec("tester", JobKind.VIDEO, prompt, "16:9", 1280, 720, null, null, true, Priority.INTERACTIVE,
                null, 1, "480p");
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("xai", "grok-imagine-video", Priority.INTERACTIVE),
                prompt, null, "test");
    }

    private static TimeLimiter limit(Duration timeout) {
        return TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    private static JobRow polling(EncodedJob job, ProviderAnswer accepted) {
        return new JobRow(job, JobRow.JobState.POLLING, 1, 0, false, accepted.providerId(), accepted.pollUrl(), false, 600_000, 0,
                null, null, null, null, 0, accepted.laterLinks());
    }

    private ProviderAnswer accepted(EncodedJob job) throws Exception {
        return client.submit(job, limit(Duration.ofSeconds(5))).get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    /** The failure a call's future completed with. */
    private static ProviderFailure failureOf(CompletableFuture<ProviderAnswer> call) {
        assertThat(call).failsWithin(BOUND);
        try {
            call.join();
            throw new AssertionError("the call succeeded");
        } catch (CompletionException e) {
            assertThat(e.getCause()).isInstanceOf(ProviderFailure.class);
            return (ProviderFailure) e.getCause();
        }
    }

    /** Polls until the future fails (bounded): the failure the provider ends the video with. */
    private ProviderFailure endsWith(EncodedJob job, ProviderAnswer accepted) {
        return await().atMost(BOUND).until(() -> {
            try {
                client.poll(polling(job, accepted), limit(Duration.ofSeconds(5))).join();
                return null;
            } catch (CompletionException e) {
                return (ProviderFailure) e.getCause();
            }
        }, failure -> failure != null);
    }

    @Test
    void aSubmitGivesARequestIdAndItsPollsEndWithAVideoThatCanBeDownloaded() throws Exception {
        var job = job("waves rolling onto a beach");

        var accepted = accepted(job);
        assertThat(accepted.done()).isFalse();
        assertThat(accepted.providerId()).isNotBlank();

        var done = await().atMost(BOUND).until(() -> client.poll(polling(job, accepted), limit(Duration.ofSeconds(5))).join(),
                ProviderAnswer::done);
        assertThat(done.outputs()).singleElement().satisfies(url -> {
            var mp4 = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(mp4.statusCode()).isEqualTo(200);
            // an MP4 starts with a box of type ftyp
            assertThat(new String(mp4.body(), 4, 4, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        });
    }

    @Test
    void aProviderErrorAFullQueueAndARefusedKeyFailTheSubmitWithTheirClass() {
        var unavailable = failureOf(client.submit(job("waves [sim:fail=503]"), limit(Duration.ofSeconds(5))));
        var full = failureOf(client.submit(job("waves [sim:fail=429] [sim:retry-after=7]"), limit(Duration.ofSeconds(5))));
        var refused = failureOf(client.submit(job("waves [sim:fail=401] [sim:echo-key]"), limit(Duration.ofSeconds(5))));

        assertThat(unavailable.failureClass()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(full.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(refused.failureClass()).isEqualTo(FailureClass.AUTH);
        assertThat(List.of(refused.getMessage(), refused.providerMessage())).noneMatch(text -> text.contains(KEY));
    }

    @Test
    void aSubmitPastItsTimeLimitIsATimeoutWhoseOutcomeIsUnknown() {
        var failure = failureOf(client.submit(job("waves [sim:slow=3000]"), limit(Duration.ofMillis(300))));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.TIMEOUT);
        assertThat(failure.outcomeUnknown()).isTrue();
    }

    @Test
    void anExpiredAModeratedAndAFailedVideoEndWithTheirOwnClassAndAFlakyPollIsRetryable() throws Exception {
        var expired = job("waves [sim:expire]");
        var moderated = job("waves [sim:nsfw]");
        var failed = job("waves [sim:failed]");
        var flaky = job("waves [sim:poll-fail=503]");
        var expiredAccepted = accepted(expired);
        var moderatedAccepted = accepted(moderated);
        var failedAccepted = accepted(failed);
        var flakyAccepted = accepted(flaky);

        assertThat(endsWith(expired, expiredAccepted).failureClass()).isEqualTo(FailureClass.EXPIRED);
        assertThat(endsWith(moderated, moderatedAccepted).failureClass()).isEqualTo(FailureClass.CONTENT_POLICY);
        assertThat(endsWith(failed, failedAccepted).failureClass().retryable()).isFalse();
        assertThat(failureOf(client.poll(polling(flaky, flakyAccepted), limit(Duration.ofSeconds(5)))).failureClass().retryable())
                .isTrue();
    }
}
