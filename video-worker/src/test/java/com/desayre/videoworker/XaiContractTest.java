package com.desayre.videoworker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.notContaining;
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
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.time.Duration;
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
 * xAI's video API as docs/providers.md §2.1–2.3 documents it, pinned: WireMock matches the exact
 * request (Bearer key in the {@code Authorization} header and nowhere else, JSON body with
 * {@code image} as an object) and answers the documented shapes; the client must read each into
 * the right answer or failure class.
 */
class XaiContractTest {
    private static final String KEY = "xai-9Zq4live3c1b7";
    private static final String SOURCE_BASE = "https://media.desayre.example/public";
    private static final String REQUEST_ID = "9f2b8b6a-1b8c-4a0c-9a1a-2d3c4e5f6a7b";
    private static final String GENERATIONS = "/v1/videos/generations";
    private static final String POLL = "/v1/videos/" + REQUEST_ID;
    private static final String VIDEO_URL = "https://vidgen.x.ai/xai-vidgen-bucket/xai-video-f532feb6-49a9-4f9a-9a37-6e64ef725e8f.mp4";

    @RegisterExtension
    static WireMockExtension xai = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    private final ExecutorService callbacks = Executors.newFixedThreadPool(2);
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private XaiClient client;

    @BeforeEach
    void setUp() {
        var settings = new XaiSettings(xai.baseUrl(), KEY, SOURCE_BASE, Duration.ofMinutes(15), Duration.ofSeconds(1),
                Duration.ofSeconds(10), 8, "480p", Map.of(), null, false);
        client = new XaiClient(settings, new ProviderHttp("xAI", KEY, callbacks, timers));
        logs.start();
        root().addAppender(logs);
    }

    @AfterEach
    void tearDown() {
        root().detachAppender(logs);
        callbacks.shutdownNow();
        timers.shutdownNow();
        assertThat(logs.list).noneMatch(event -> event.getFormattedMessage().contains(KEY));
    }

    private static Logger root() {
        return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    // ---- requests (§2.1, §2.2) ----------------------------------------------------------------

    private static EncodedJob textToVideo() {
        var spec = new JobSpec("tester", JobKind.VIDEO, "clouds", "16:9", 1280, 720, null, null, true, Priority.INTERACTIVE,
                null, 8, "720p");
        return EncodedJob.of("job-t2v", spec, new Route("xai", "grok-imagine-video", Priority.INTERACTIVE),
                "Animate the clouds drifting and add gentle swaying to the trees", null, "enc1+test");
    }

    private static EncodedJob imageToVideo() {
        var spec = new JobSpec("tester", JobKind.VIDEO, "clouds", "16:9", 1280, 720, null, null, true, Priority.INTERACTIVE,
                "tester/job-image/0.png", null, null);
        return EncodedJob.of("job-i2v", spec, new Route("xai", "grok-imagine-video", Priority.INTERACTIVE),
                "Animate the clouds drifting", null, "enc1+test");
    }

    private static JobRow polling() {
        return new JobRow(textToVideo(), JobRow.JobState.POLLING, 1, 0, false, REQUEST_ID, "", false, 600_000, 1_000,
                null, null, null, null, 0, java.util.List.of());
    }

    /** A submit as §2.1 wants it: Bearer key, JSON, and the key nowhere in the body. */
    private static MappingBuilder submit() {
        return post(urlEqualTo(GENERATIONS))
                .withHeader("Authorization", equalTo("Bearer " + KEY))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(notContaining(KEY));
    }

    private static MappingBuilder poll() {
        return get(urlEqualTo(POLL)).withHeader("Authorization", equalTo("Bearer " + KEY));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    @Test
    void textToVideoSendsTheDocumentedBodyAndKeepsTheRequestId() {
        xai.stubFor(submit()
                .withRequestBody(equalToJson("""
                        {"model": "grok-imagine-video",
                         "prompt": "Animate the clouds drifting and add gentle swaying to the trees",
                         "duration": 8, "aspect_ratio": "16:9", "resolution": "720p"}"""))
                .willReturn(json(200, "{\"request_id\": \"" + REQUEST_ID + "\"}")));

        var answer = join(client.submit(textToVideo(), timeout()));

        assertThat(answer.done()).isFalse();
        assertThat(answer.providerId()).isEqualTo(REQUEST_ID);
        xai.verify(1, postRequestedFor(urlEqualTo(GENERATIONS)));
    }

    @Test
    void simulatorDirectivesInAPromptNeverReachTheRealProvider() {
        xai.stubFor(submit()
                .withRequestBody(matchingJsonPath("$.prompt", equalTo("Animate the clouds drifting")))
                .willReturn(json(200, "{\"request_id\": \"" + REQUEST_ID + "\"}")));
        var spec = new JobSpec("tester", JobKind.VIDEO, "clouds", "16:9", 1280, 720, null, null, true, Priority.INTERACTIVE,
                null, 8, "720p");
        var job = EncodedJob.of("job-sim", spec, new Route("xai", "grok-imagine-video", Priority.INTERACTIVE),
                "Animate the clouds [sim:poll-fail=503] drifting [sim:expire]", null, "enc1+test");

        assertThat(join(client.submit(job, timeout())).providerId()).isEqualTo(REQUEST_ID);
    }

    @Test
    void imageToVideoSendsImageAsAnObjectWithAUrlAndNoAspectRatio() {
        xai.stubFor(submit()
                .withRequestBody(matchingJsonPath("$.image.url", equalTo(SOURCE_BASE + "/tester/job-image/0.png")))
                .withRequestBody(equalToJson("""
                        {"model": "grok-imagine-video", "prompt": "Animate the clouds drifting",
                         "duration": 8, "resolution": "480p", "image": {"url": "%s/tester/job-image/0.png"}}"""
                        .formatted(SOURCE_BASE)))
                .willReturn(json(200, "{\"request_id\": \"" + REQUEST_ID + "\"}")));

        assertThat(join(client.submit(imageToVideo(), timeout())).providerId()).isEqualTo(REQUEST_ID);
    }

    // ---- polls (§2.3): HTTP 200 for pending, done and failed; the body's status decides ---------

    static Stream<Arguments> pendingBodies() {
        return Stream.of(
                Arguments.of("{ \"status\": \"pending\", \"progress\": 37, \"model\": \"grok-imagine-video\" }", 37),
                Arguments.of("{ \"status\": \"pending\" }", null),
                Arguments.of("{ \"request_id\": \"" + REQUEST_ID + "\" }", null),
                Arguments.of("{ \"status\": \"queued\" }", null),
                Arguments.of("{ \"status\": \"processing\", \"progress\": 80 }", 80));
    }

    @ParameterizedTest(name = "{0} is pending")
    @MethodSource("pendingBodies")
    void everyPendingShapeIsStillRunning(String body, Integer progress) {
        xai.stubFor(poll().willReturn(json(200, body)));

        var answer = join(client.poll(polling(), timeout()));

        assertThat(answer.done()).isFalse();
        assertThat(answer.providerId()).isEqualTo(REQUEST_ID);
        assertThat(answer.progress()).isEqualTo(progress);
        xai.verify(getRequestedFor(urlEqualTo(POLL)).withHeader("Authorization", equalTo("Bearer " + KEY)));
    }

    @Test
    void a202WithoutABodyIsStillRendering() {
        xai.stubFor(poll().willReturn(aResponse().withStatus(202)));

        var answer = join(client.poll(polling(), timeout()));

        assertThat(answer.done()).isFalse();
        assertThat(answer.providerId()).isEqualTo(REQUEST_ID);
    }

    @Test
    void doneHasTheTemporaryVideoUrl() {
        xai.stubFor(poll().willReturn(json(200, """
                {
                  "status": "done",
                  "video": {
                    "url": "%s",
                    "duration": 6,
                    "respect_moderation": true
                  },
                  "model": "grok-imagine-video",
                  "usage": { "cost_in_usd_ticks": 500000000 },
                  "progress": 100
                }""".formatted(VIDEO_URL))));

        var answer = join(client.poll(polling(), timeout()));

        assertThat(answer.done()).isTrue();
        assertThat(answer.outputs()).containsExactly(VIDEO_URL);
        // 5e8 ticks of 1e-10 USD: $0.05, the figure the cost ledger records beside the configured price
        assertThat(answer.reportedCostMicros()).isEqualTo(50_000L);
    }

    @Test
    void aVideoUrlWithoutAStatusIsDoneToo() {
        xai.stubFor(poll().willReturn(json(200, """
                {"video": {"url": "%s", "duration": 6, "respect_moderation": true}, "model": "grok-imagine-video"}"""
                .formatted(VIDEO_URL))));

        assertThat(join(client.poll(polling(), timeout())).outputs()).containsExactly(VIDEO_URL);
        assertThat(join(client.poll(polling(), timeout())).reportedCostMicros()).as("no usage: nothing reported").isNull();
    }

    static Stream<Arguments> terminalPollBodies() {
        return Stream.of(
                Arguments.of("""
                        {"status": "done", "video": {"url": "%s", "duration": 6, "respect_moderation": false},
                         "model": "grok-imagine-video"}""".formatted(VIDEO_URL), FailureClass.CONTENT_POLICY, ""),
                Arguments.of("""
                        {"status": "failed", "video": {"duration": 0, "respect_moderation": true}, "model": "",
                         "error": {"code": "internal_error", "message": "The video could not be generated."}}""",
                        FailureClass.PROVIDER_FAILED, "The video could not be generated."),
                Arguments.of("{\"status\": \"failed\", \"code\": \"generation_failed\", \"error\": \"Generation failed\"}",
                        FailureClass.PROVIDER_FAILED, "Generation failed"),
                Arguments.of("{ \"status\": \"expired\" }", FailureClass.EXPIRED, ""));
    }

    @ParameterizedTest(name = "{0} is {1}")
    @MethodSource("terminalPollBodies")
    void failedExpiredAndModeratedVideosEndTheJob(String body, FailureClass expected, String said) {
        xai.stubFor(poll().willReturn(json(200, body)));

        var failure = failureOf(client.poll(polling(), timeout()));

        assertThat(failure.failureClass()).isEqualTo(expected);
        assertThat(failure.failureClass().retryable()).isFalse();
        assertThat(failure.providerMessage()).isEqualTo(said);
    }

    // ---- HTTP errors (§2.1 table, §2.6, §3): the HTTP code first ---------------------------------

    static Stream<Arguments> errors() {
        return Stream.of(
                Arguments.of(400, """
                        {"code": "Client specified an invalid argument", "error": "Incorrect API key provided: xa***ab. \
                        You can obtain an API key from https://console.x.ai."}""", FailureClass.AUTH),
                Arguments.of(400, "{\"code\": \"Client specified an invalid argument\", \"error\": \"duration must be at most 15\"}",
                        FailureClass.REJECTED),
                Arguments.of(401, "{\"code\": \"Unauthenticated\", \"error\": \"Missing or invalid Authorization header.\"}",
                        FailureClass.AUTH),
                Arguments.of(403, "{\"code\": \"Permission denied\", \"error\": \"The API key does not have permission.\"}",
                        FailureClass.AUTH),
                Arguments.of(404, "{\"code\": \"Some requested entity was not found\", \"error\": \"The model grok-x does not exist.\"}",
                        FailureClass.REJECTED),
                Arguments.of(415, "{\"code\": \"Unsupported Media Type\", \"error\": \"Expected application/json.\"}",
                        FailureClass.REJECTED),
                Arguments.of(422, """
                        {"error": {"message": "aspect_ratio must be one of 16:9, 9:16", "type": "invalid_request_error",
                         "param": "aspect_ratio", "code": "invalid_value"}}""", FailureClass.REJECTED),
                Arguments.of(429, "{\"code\": \"Too many requests\", \"error\": \"Rate limit exceeded.\"}", FailureClass.RATE_LIMITED),
                Arguments.of(500, "{\"code\": \"Internal\", \"error\": \"Internal server error.\"}", FailureClass.SERVER_ERROR),
                Arguments.of(502, "<html>Bad gateway</html>", FailureClass.SERVER_ERROR),
                Arguments.of(503, "{\"code\": \"Unavailable\", \"error\": \"Service unavailable.\"}", FailureClass.SERVER_ERROR),
                Arguments.of(504, "", FailureClass.SERVER_ERROR));
    }

    @ParameterizedTest(name = "HTTP {0} {1} is {2}")
    @MethodSource("errors")
    void errorAnswersAreClassifiedOnSubmitAndOnPoll(int status, String body, FailureClass expected) {
        xai.stubFor(submit().willReturn(json(status, body)));
        xai.stubFor(poll().willReturn(json(status, body)));

        var onSubmit = failureOf(client.submit(textToVideo(), timeout()));
        var onPoll = failureOf(client.poll(polling(), timeout()));

        assertThat(onSubmit.failureClass()).isEqualTo(expected);
        assertThat(onPoll.failureClass()).isEqualTo(expected);
    }

    @Test
    void a429HonoursRetryAfterWhenXaiSendsIt() {
        xai.stubFor(submit().willReturn(json(429, "{\"code\": \"Too many requests\", \"error\": \"Rate limit exceeded.\"}")
                .withHeader("Retry-After", "4")));

        var failure = failureOf(client.submit(textToVideo(), timeout()));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.RATE_LIMITED);
        assertThat(failure.retryAfter()).isEqualTo(Duration.ofSeconds(4));
        assertThat(failure.outcomeUnknown()).isFalse();
    }

    @Test
    void aSubmitAnswered2xxWithoutJsonMayHaveCreatedTheVideo() {
        xai.stubFor(submit().willReturn(json(200, "{\"request_id\": \"9f2b")));

        var failure = failureOf(client.submit(textToVideo(), timeout()));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.MALFORMED);
        assertThat(failure.outcomeUnknown()).isTrue(); // never resent: SUBMISSION_UNKNOWN
    }

    @Test
    void aKeyQuotedBackIsScrubbed() {
        xai.stubFor(submit().willReturn(json(400, """
                {"code": "Client specified an invalid argument", "error": "Incorrect API key provided: %s."}""".formatted(KEY))));

        var failure = failureOf(client.submit(textToVideo(), timeout()));

        assertThat(failure.failureClass()).isEqualTo(FailureClass.AUTH);
        assertThat(failure.getMessage()).doesNotContain(KEY).contains("****");
        assertThat(failure.providerMessage()).doesNotContain(KEY);
        LoggerFactory.getLogger(XaiContractTest.class).warn("as the worker logs it: {}", failure.getMessage());
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
