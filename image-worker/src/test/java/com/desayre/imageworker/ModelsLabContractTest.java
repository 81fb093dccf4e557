package com.desayre.imageworker;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
import com.desayre.contracts.JobSpec;
import com.desayre.contracts.Priority;
import com.desayre.contracts.Route;
import com.desayre.workerkit.FailureClass;
import com.desayre.workerkit.JobRow;
import com.desayre.workerkit.ProviderAnswer;
import com.desayre.workerkit.ProviderFailure;
import com.desayre.workerkit.ProviderHttp;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * The ModelsLab v7 image API as docs/providers.md §1.1–1.4 and §1.8 document it, pinned: WireMock
 * matches the exact request the client sends (method, path, headers, JSON body with the key in
 * the body and nowhere else) and answers the documented response shapes; the client must read
 * each into the right answer or failure class.
 */
class ModelsLabContractTest {
    private static final String KEY = "ml-live-7f3c9a1b2d4e";
    private static final String SOURCE_BASE = "https://media.desayre.example/public";
    private static final String TEXT_TO_IMAGE = "/api/v7/images/text-to-image";
    private static final String IMAGE_TO_IMAGE = "/api/v7/images/image-to-image";
    private static final String FETCH = "/api/v7/images/fetch/123456789";

    @RegisterExtension
    static WireMockExtension modelsLab = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private ModelsLabClient client;

    @BeforeEach
    void setUp() {
        var settings = new ModelsLabSettings(modelsLab.baseUrl(), KEY, SOURCE_BASE, Duration.ofMinutes(5), Duration.ofSeconds(1),
                Duration.ofSeconds(10), Duration.ofSeconds(30), Map.of(), null, false);
        client = new ModelsLabClient(settings, new ProviderHttp("ModelsLabs", KEY, callbacks, timers));
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        root().detachAppender(logs);
        callbacks.shutdownNow();
        timers.shutdownNow();
        // the key is sent (the stubs match it) but never logged, whatever the provider said
        assertThat(logs.list).noneMatch(event -> event.getFormattedMessage().contains(KEY));
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    // ---- requests, as §1.1–1.3 document them ---------------------------------------------------

    private static EncodedJob textToImage() {
        var spec = new JobSpec("tester", JobKind.IMAGE, "a dragon and a cloaked figure", "1:1", 1024, 1024, null, null, true,
                Priority.INTERACTIVE, null);
        return EncodedJob.of("job-t2i", spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                "a dramatic scene with a large dragon and a cloaked figure, snowy peaks", null, "enc1+test");
    }

    private static EncodedJob edit() {
        var spec = new JobSpec("tester", JobKind.EDIT, "teal windbreaker", "1:1", 1024, 1024, null, null, true,
                Priority.INTERACTIVE, "tester/job-source/0.png");
        return EncodedJob.of("job-edit", spec, new Route("modelslabs", "grok-imagine-image-i2i", Priority.INTERACTIVE),
                "Change the jacket to a teal windbreaker, keep everything else unchanged", null, "enc1+test");
    }

    private static JobRow polling(EncodedJob job, String providerId, String fetchResult) {
        return polling(job, providerId, fetchResult, List.of());
    }

    private static JobRow polling(EncodedJob job, String providerId, String fetchResult, List<String> futureLinks) {
        return new JobRow(job, JobRow.JobState.POLLING, 1, 0, false, providerId, fetchResult, false, 60_000, 1_000,
                null, null, null, null, 0, futureLinks);
    }

    /** What every ModelsLab call must look like: JSON POST, the key in the body only (no header auth, nothing in the URL). */
    private static com.github.tomakehurst.wiremock.client.MappingBuilder modelsLabPost(String path) {
        return post(urlEqualTo(path))
                .withHeader("Content-Type", equalTo("application/json"))
                .withHeader("Authorization", absent())
                .withRequestBody(matchingJsonPath("$.key", equalTo(KEY)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static final String SUCCESS = """
            {
              "status": "success",
              "generationTime": 8.42,
              "id": 123456789,
              "output": ["https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/7f3c-0.png"],
              "proxy_links": ["https://cdn.example/generations/7f3c-0.png"],
              "nsfw_content_detected": false,
              "meta": { "prompt": "...", "model_id": "nano-banana-pro", "aspect_ratio": "1:1" }
            }""";

    private static final String PROCESSING = """
            {
              "status": "processing",
              "tip": "Your image is processing in background, you can get this image using fetch API",
              "eta": 10,
              "message": "Try to fetch request after seconds estimated",
              "webhook_status": "",
              "fetch_result": "https://modelslab.com/api/v7/images/fetch/123456789",
              "id": 123456789,
              "output": [],
              "meta": { "prompt": "..." },
              "future_links": ["https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/7f3c-0.png"]
            }""";

    @Test
    void textToImageSendsTheDocumentedBodyAndReadsASynchronousSuccess() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE)
                .withRequestBody(equalToJson("""
                        {"key": "%s", "model_id": "nano-banana-pro",
                         "prompt": "a dramatic scene with a large dragon and a cloaked figure, snowy peaks",
                         "aspect_ratio": "1:1", "width": 1024, "height": 1024, "track_id": "job-t2i"}""".formatted(KEY)))
                .willReturn(json(200, SUCCESS)));

        var answer = join(client.submit(textToImage(), timeout()));

        assertThat(answer.done()).isTrue();
        assertThat(answer.providerId()).isEqualTo("123456789"); // a JSON number, kept as a string
        assertThat(answer.outputs()).containsExactly("https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/7f3c-0.png");
        modelsLab.verify(1, postRequestedFor(urlEqualTo(TEXT_TO_IMAGE)));
    }

    @Test
    void simulatorDirectivesInAPromptNeverReachTheRealProvider() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE)
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("a dragon over snowy peaks")))
                .willReturn(json(200, SUCCESS)));
        var spec = new JobSpec("tester", JobKind.IMAGE, "a dragon", "1:1", 1024, 1024, null, null, true, Priority.INTERACTIVE, null);
        var job = EncodedJob.of("job-sim", spec, new Route("modelslabs", "nano-banana-pro", Priority.INTERACTIVE),
                "[sim:fail=503] a dragon [SIM: latency = 10] over snowy peaks [sim:never]", null, "enc1+test");

        assertThat(join(client.submit(job, timeout())).done()).isTrue();
        modelsLab.verify(1, postRequestedFor(urlEqualTo(TEXT_TO_IMAGE)));
    }

    @Test
    void processingIsPendingWithTheIdEtaAndFetchUrlAndFutureLinksAreNoOutput() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(200, PROCESSING)));

        var answer = join(client.submit(textToImage(), timeout()));

        assertThat(answer.done()).isFalse();
        assertThat(answer.providerId()).isEqualTo("123456789");
        assertThat(answer.etaSeconds()).isEqualTo(10.0);
        assertThat(answer.pollUrl()).isEqualTo("https://modelslab.com/api/v7/images/fetch/123456789");
        assertThat(answer.outputs()).isEmpty();
        // kept with the job: where a success that names no output has it
        assertThat(answer.laterLinks()).containsExactly("https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/7f3c-0.png");
    }

    @Test
    void aSuccessWithNoOutputAndNoProxyLinksHasItsOutputAtTheEarlierFutureLinks() {
        var earlier = List.of("https://pub-3626123a908346a7a8be8d9295f44e26.r2.dev/generations/7f3c-0.png");
        modelsLab.stubFor(modelsLabPost(FETCH).willReturn(json(200, """
                {"status": "success", "generationTime": 8.42, "id": 123456789, "output": [], "nsfw_content_detected": false}""")));

        var answer = join(client.poll(polling(textToImage(), "123456789", "", earlier), timeout()));

        assertThat(answer.done()).isTrue();
        assertThat(answer.outputs()).isEqualTo(earlier);
    }

    @Test
    void anEditSendsGrokImagineEditWithInitImageAsAListOfPublicUrls() {
        modelsLab.stubFor(modelsLabPost(IMAGE_TO_IMAGE)
                .withRequestBody(equalToJson("""
                        {"key": "%s", "model_id": "grok-imagine-image-i2i",
                         "prompt": "Change the jacket to a teal windbreaker, keep everything else unchanged",
                         "init_image": ["%s/tester/job-source/0.png"], "aspect_ratio": "1:1", "track_id": "job-edit"}"""
                        .formatted(KEY, SOURCE_BASE)))
                .willReturn(json(200, SUCCESS.replace("nano-banana-pro", "grok-imagine-image-i2i"))));

        var answer = join(client.submit(edit(), timeout()));

        assertThat(answer.done()).isTrue();
        assertThat(answer.outputs()).hasSize(1);
    }

    @Test
    void fetchPostsTheKeyToTheDocumentedPathUntilProcessingTurnsToSuccess() {
        // fetch_result names modelslab.com, not the configured base: the key is never sent to another host
        var row = polling(textToImage(), "123456789", "https://modelslab.com/api/v7/images/fetch/123456789");
        modelsLab.stubFor(post(urlEqualTo(FETCH)).inScenario("fetch").whenScenarioStateIs(Scenario.STARTED)
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"key\": \"%s\"}".formatted(KEY)))
                .willReturn(json(200, PROCESSING.replace("\"eta\": 10", "\"eta\": 416.94")))
                .willSetStateTo("ready"));
        modelsLab.stubFor(post(urlEqualTo(FETCH)).inScenario("fetch").whenScenarioStateIs("ready")
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("{\"key\": \"%s\"}".formatted(KEY)))
                .willReturn(json(200, SUCCESS)));

        var first = join(client.poll(row, timeout()));
        var second = join(client.poll(row, timeout()));

        assertThat(first.done()).isFalse();
        assertThat(first.etaSeconds()).isEqualTo(416.94);
        assertThat(second.done()).isTrue();
        assertThat(second.outputs()).hasSize(1);
        modelsLab.verify(2, postRequestedFor(urlEqualTo(FETCH)).withHeader("Authorization", absent()));
    }

    @Test
    void fetchUsesFetchResultWhenItPointsAtTheConfiguredApi() {
        var row = polling(textToImage(), "123456789", modelsLab.baseUrl() + "/api/v7/images/fetch/123456789");
        modelsLab.stubFor(modelsLabPost(FETCH).withRequestBody(equalToJson("{\"key\": \"%s\"}".formatted(KEY)))
                .willReturn(json(200, """
                        {"status": "success", "id": "123456789", "output": [],
                         "proxy_links": {"0": "https://cdn.example/generations/7f3c-0.png"}}""")));

        var answer = join(client.poll(row, timeout()));

        // an empty output falls back to proxy_links, also in the map form one client saw
        assertThat(answer.outputs()).containsExactly("https://cdn.example/generations/7f3c-0.png");
    }

    @Test
    void processingWithHttp400IsStillAJobToPoll() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(400, "{\"status\":\"processing\",\"id\":123,\"eta\":10}")));

        var answer = join(client.submit(textToImage(), timeout()));

        assertThat(answer.done()).isFalse();
        assertThat(answer.providerId()).isEqualTo("123");
    }

    // ---- errors: the body decides, whatever the HTTP code (§1.1, §1.5, §1.8, §3) ----------------

    static Stream<Arguments> errorBodies() {
        return Stream.of(
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Invalid API key\"}", FailureClass.AUTH),
                Arguments.of(401, "{\"status\":\"error\",\"message\":\"Invalid API key\"}", FailureClass.AUTH),
                Arguments.of(200, "{\"status\":\"error\",\"messege\":\"Invalid API key\"}", FailureClass.AUTH),
                Arguments.of(402, "{\"status\":\"error\",\"message\":\"Insufficient credits. Please add more credits to continue.\"}",
                        FailureClass.AUTH),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Insufficient credits. Please add more credits to continue.\"}",
                        FailureClass.AUTH),
                Arguments.of(403, "{\"status\":\"error\",\"message\":\"This feature requires a premium subscription\"}", FailureClass.AUTH),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"prompt is required\"}", FailureClass.REJECTED),
                Arguments.of(400, "{\"status\":\"error\",\"message\":\"width must be between 256 and 1024\"}", FailureClass.REJECTED),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Model not found: nano-banana-pro\"}", FailureClass.REJECTED),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Unable to fetch image from provided URL\"}", FailureClass.REJECTED),
                Arguments.of(500, "{\"status\":\"error\",\"message\":\"Internal server error. Please try again.\"}", FailureClass.SERVER_ERROR),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Internal server error. Please try again.\"}", FailureClass.SERVER_ERROR),
                Arguments.of(503, "{\"status\":\"error\",\"message\":\"Service temporarily unavailable. Please try again later.\"}",
                        FailureClass.SERVER_ERROR),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Service temporarily unavailable. Please try again later.\"}",
                        FailureClass.SERVER_ERROR),
                Arguments.of(200, "{\"status\":\"failed\",\"id\":123456789,\"message\":\"Processing failed: out of memory\"}",
                        FailureClass.PROVIDER_FAILED),
                Arguments.of(200, "{\"status\":\"failed\",\"id\":\"123456789\",\"messege\":\"Processing failed\"}",
                        FailureClass.PROVIDER_FAILED),
                Arguments.of(200, SUCCESS.replace("\"nsfw_content_detected\": false", "\"nsfw_content_detected\": true"),
                        FailureClass.CONTENT_POLICY),
                Arguments.of(200, "{\"status\":\"error\",\"message\":\"Prompt blocked by our content policy\"}", FailureClass.CONTENT_POLICY),
                Arguments.of(200, "{\"status\":\"failed\",\"message\":\"Image flagged by moderation\"}", FailureClass.CONTENT_POLICY),
                Arguments.of(502, "<html><body>Bad gateway</body></html>", FailureClass.SERVER_ERROR),
                Arguments.of(200, "<html><body>Welcome</body></html>", FailureClass.MALFORMED));
    }

    @ParameterizedTest(name = "HTTP {0} {1} is {2}")
    @MethodSource("errorBodies")
    void errorBodiesAreClassifiedOnSubmitAndOnFetch(int status, String body, FailureClass expected) {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(status, body)));
        modelsLab.stubFor(modelsLabPost(FETCH).willReturn(json(status, body)));

        assertThat(failureOf(client.submit(textToImage(), timeout())).failureClass()).isEqualTo(expected);
        assertThat(failureOf(client.poll(polling(textToImage(), "123456789", ""), timeout())).failureClass()).isEqualTo(expected);
    }

    @Test
    void aFullQueueIs429WithRetryAfterAndWasNotTaken() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(429, """
                {"status":"error","message":"Rate limit exceeded. Maximum 5 queued requests allowed.","retry_after":30}""")));

        var failure = failureOf(client.submit(textToImage(), timeout()));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(failure.failureClass().retryable()).isTrue();
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(failure.outcomeUnknown()).isFalse(); // a 429 is a clear refusal: safe to resubmit
    }

    @Test
    void aFullQueueAnsweredWithHttp200OrOnlyARetryAfterHeaderIsTheSame() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(200, """
                {"status":"error","message":"Rate limit exceeded. Maximum 10 queued requests allowed.","retry_after":"12"}""")));
        var quirk = failureOf(client.submit(textToImage(), timeout()));

        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(429, "{\"status\":\"error\",\"message\":\"Too many requests\"}")
                .withHeader("Retry-After", "7")));
        var header = failureOf(client.submit(textToImage(), timeout()));

        assertThat(quirk.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(quirk.retryAfter()).isEqualTo(Duration.ofSeconds(12));
        assertThat(header.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(header.retryAfter()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void aProviderThatQuotesTheKeyNeverGetsItIntoAFailure() {
        modelsLab.stubFor(modelsLabPost(TEXT_TO_IMAGE).willReturn(json(200,
                "{\"status\":\"error\",\"message\":\"Invalid API key " + KEY + "\"}")));

        var failure = failureOf(client.submit(textToImage(), timeout()));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.AUTH);
        assertThat(failure.getMessage()).doesNotContain(KEY).contains("****");
        assertThat(failure.providerMessage()).doesNotContain(KEY);
        LoggerFactory.getLogger(ModelsLabContractTest.class).warn("as the worker logs it: {}", failure.getMessage());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static TimeLimiter timeout() {
        return TimeLimiter.of(Duration.ofSeconds(10));
    }

    private static ProviderAnswer join(CompletableFuture<ProviderAnswer> call) {
        return call.join();
    }

    private static ProviderFailure failureOf(CompletableFuture<ProviderAnswer> call) {
        var thrown = catchThrowable(call::join);
        assertThat(thrown).isInstanceOf(CompletionException.class).hasCauseInstanceOf(ProviderFailure.class);
        return (ProviderFailure) thrown.getCause();
    }
}
