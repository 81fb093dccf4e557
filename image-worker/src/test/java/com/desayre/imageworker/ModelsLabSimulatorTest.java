package com.desayre.imageworker;

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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ModelsLab client's futures against the real provider simulator, without Spring: what each
 * call completes with, or fails with, when the provider answers, is slow, refuses or drops the
 * connection. (The exact HTTP is pinned by {@code ModelsLabContractTest}; what the worker does with
 * each outcome by worker-kit's step-machine tests.)
 */
class ModelsLabSimulatorTest {
    private static final String KEY = "sk-sim-" + UUID.randomUUID();
    private static final Duration BOUND = Duration.ofSeconds(20);
    private static final ProviderSimulator SIM = ProviderSimulator.start(SimulatorSettings.defaults()
            .withMode(SimulatorSettings.Mode.ASYNC).withLatency(Duration.ofMillis(300)));

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ModelsLabClient client = new ModelsLabClient(new ModelsLabSettings(SIM.baseUrl(), KEY, SIM.baseUrl() + "/outputs",
            Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(30), Map.of(), null, null),
            new ProviderHttp("ModelsLabs", KEY, callbacks, timers));

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
        var spec = new JobSpec("tester", JobKind.IMAGE, prompt, "1:1", 1024, 1024, 7L, null, true, Priority.INTERACTIVE, null);
        return EncodedJob.of(UUID.randomUUID().toString(), spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                prompt, null, "test");
    }

    private static TimeLimiter limit(Duration timeout) {
        return TimeLimiter.of(TimeLimiterConfig.custom().timeoutDuration(timeout).cancelRunningFuture(true).build());
    }

    private static JobRow polling(EncodedJob job, ProviderAnswer accepted) {
        return new JobRow(job, JobRow.JobState.POLLING, 1, 0, false, accepted.providerId(), accepted.pollUrl(), false, 60_000, 0,
                null, null, null, null, 0, accepted.laterLinks());
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

    @Test
    void aSubmitIsPendingWithAnIdAndItsPollsEndWithAnImageThatCanBeDownloaded() throws Exception {
        var job = job("a lighthouse at dusk");

        var accepted = client.submit(job, limit(Duration.ofSeconds(5))).get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        assertThat(accepted.done()).isFalse();
        assertThat(accepted.providerId()).isNotBlank();

        var done = await().atMost(BOUND).until(() -> client.poll(polling(job, accepted), limit(Duration.ofSeconds(5))).join(),
                ProviderAnswer::done);
        assertThat(done.providerId()).isEqualTo(accepted.providerId());
        assertThat(done.outputs()).singleElement().satisfies(url -> {
            var png = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(png.statusCode()).isEqualTo(200);
            assertThat(png.body()).startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G');
        });
    }

    @Test
    void aProviderErrorAFullQueueAndARefusedKeyFailTheFutureWithTheirClass() {
        var unavailable = failureOf(client.submit(job("a cat [sim:fail=503]"), limit(Duration.ofSeconds(5))));
        var full = failureOf(client.submit(job("a cat [sim:fail=429] [sim:retry-after=7]"), limit(Duration.ofSeconds(5))));
        var refused = failureOf(client.submit(job("a cat [sim:fail=401] [sim:echo-key]"), limit(Duration.ofSeconds(5))));

        assertThat(unavailable.failureClass()).isEqualTo(FailureClass.SERVER_ERROR);
        assertThat(full.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(full.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        assertThat(full.outcomeUnknown()).isFalse();
        assertThat(refused.failureClass()).isEqualTo(FailureClass.AUTH);
        // the simulator quoted the key back: it never reaches a failure's text
        assertThat(List.of(refused.getMessage(), refused.providerMessage())).noneMatch(text -> text.contains(KEY));
    }

    @Test
    void aCallPastItsTimeLimitFailsAsATimeoutWhoseOutcomeIsUnknown() {
        var slow = client.submit(job("a cat [sim:slow=3000]"), limit(Duration.ofMillis(300)));

        var failure = failureOf(slow);

        assertThat(failure.failureClass()).isEqualTo(FailureClass.TIMEOUT);
        // the provider may have taken the job: it must not be resent blindly
        assertThat(failure.outcomeUnknown()).isTrue();
    }

    @Test
    void aDroppedConnectionAndAGarbledAnswerFailAsNetworkAndMalformed() {
        var reset = failureOf(client.submit(job("a cat [sim:reset]"), limit(Duration.ofSeconds(5))));
        var garbled = failureOf(client.submit(job("a cat [sim:malformed]"), limit(Duration.ofSeconds(5))));

        assertThat(reset.failureClass()).isEqualTo(FailureClass.NETWORK);
        assertThat(reset.outcomeUnknown()).isTrue();
        assertThat(garbled.failureClass()).isEqualTo(FailureClass.MALFORMED);
    }

    @Test
    void aRefusedConnectionNeverCarriedTheJobSoItsOutcomeIsKnown() throws Exception {
        int closed;
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        var nowhere = new ModelsLabClient(new ModelsLabSettings("http://127.0.0.1:" + closed, KEY, "", Duration.ofMinutes(5),
                Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofSeconds(30), Map.of(), null, null),
                new ProviderHttp("ModelsLabs", KEY, callbacks, timers));

        var failure = failureOf(nowhere.submit(job("a cat"), limit(Duration.ofSeconds(5))));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.NETWORK);
        // nothing reached the provider: sending it again cannot bill twice
        assertThat(failure.outcomeUnknown()).isFalse();
    }

    @Test
    void aPollThatFailsAtTheProviderIsRetryableAndOneThatEndsFailedIsNot() throws Exception {
        var flaky = job("a cat [sim:poll-fail=503]");
        var doomed = job("a cat [sim:failed]");
        var flakyAccepted = client.submit(flaky, limit(Duration.ofSeconds(5))).get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        var doomedAccepted = client.submit(doomed, limit(Duration.ofSeconds(5))).get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);

        var pollFailed = failureOf(client.poll(polling(flaky, flakyAccepted), limit(Duration.ofSeconds(5))));
        var ended = await().atMost(BOUND).until(() -> {
            try {
                client.poll(polling(doomed, doomedAccepted), limit(Duration.ofSeconds(5))).join();
                return null;
            } catch (CompletionException e) {
                return (ProviderFailure) e.getCause();
            }
        }, failure -> failure != null);

        assertThat(pollFailed.failureClass().retryable()).isTrue();
        assertThat(ended.failureClass().retryable()).isFalse();
        assertThat(ended.providerMessage()).isNotBlank();
    }
}
