package com.desayre.videoworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.workerkit.FailureClass;
import com.desayre.workerkit.JobRow;
import com.desayre.workerkit.ProviderAnswer;
import com.desayre.workerkit.ProviderClient;
import com.desayre.workerkit.ProviderFailure;
import com.desayre.workerkit.ProviderHttp;
import com.desayre.workerkit.SimulatorDirectives;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * xAI's video API (docs/providers.md §2.2–2.3) over non-blocking HTTP: {@code POST /v1/videos/generations}
 * answers a {@code request_id}, {@code GET /v1/videos/{request_id}} answers {@code pending} /
 * {@code done} / {@code failed} / {@code expired}. Branches on the HTTP code first, then on the
 * body; reads every variant the public record shows (an {@code error} string or object, a done
 * body without {@code status}, a pending body with only the request id).
 */
class XaiClient implements ProviderClient {
    static final String GENERATIONS = "/v1/videos/generations";
    static final String VIDEOS = "/v1/videos/";

    private final XaiSettings settings;
    private final ProviderHttp http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final URI base;

    XaiClient(XaiSettings settings, ProviderHttp http) {
        this.settings = settings;
        this.http = http;
        this.base = URI.create(settings.baseUrl());
    }

    @Override
    public String name() {
        return "xAI";
    }

    @Override
    public String makes() {
        return "video";
    }

    /** Text-to-video, or image-to-video when the job starts from a stored image. */
    @Override
    public CompletableFuture<ProviderAnswer> submit(EncodedJob job, TimeLimiter callTimeout) {
        var spec = job.spec();
        var body = new LinkedHashMap<String, Object>();
        body.put("model", job.route().model());
        // [sim:…] directives (a test's, or a user's) reach the simulator only
        body.put("prompt", SimulatorDirectives.forProvider(job.encodedPrompt(), settings.talksToSimulator()));
        body.put("duration", spec.durationSeconds() != null ? spec.durationSeconds() : settings.defaultDuration());
        body.put("resolution", spec.resolution() != null ? spec.resolution() : settings.defaultResolution());
        if (spec.sourceMediaKey() != null) {
            // the image becomes the first frame; the video takes its shape
            body.put("image", Map.of("url", http.sourceUrl(settings.sourceBaseUrl(), spec.sourceMediaKey())));
        } else if (spec.aspectRatio() != null) {
            body.put("aspect_ratio", spec.aspectRatio());
        }
        var request = authorized(base.resolve(GENERATIONS))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        return http.send(request, callTimeout).thenApply(this::readSubmit);
    }

    @Override
    public CompletableFuture<ProviderAnswer> poll(JobRow row, TimeLimiter callTimeout) {
        var request = authorized(base.resolve(VIDEOS + URLEncoder.encode(row.providerId(), StandardCharsets.UTF_8))).GET().build();
        return http.send(request, callTimeout).thenApply(response -> readPoll(row.providerId(), response));
    }

    private HttpRequest.Builder authorized(URI uri) {
        return HttpRequest.newBuilder(uri)
                .header("Authorization", "Bearer " + settings.apiKey())
                .header("Accept", "application/json");
    }

    /** 2xx with a {@code request_id}: the job exists. A 2xx without one may have created it too. */
    private ProviderAnswer readSubmit(HttpResponse<byte[]> response) {
        var body = object(response, true);
        return ProviderAnswer.pending(text(body, "request_id"), 0, "", null);
    }

    ProviderAnswer readPoll(String requestId, HttpResponse<byte[]> response) {
        if (response.statusCode() == 202 && new String(response.body(), java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            // "accepted, still rendering" with no body (docs/providers.md §2.3): pending, not a malformed answer that
            // would count against the model's circuit breaker
            return ProviderAnswer.pending(requestId, 0, "", null);
        }
        return XaiClient.answer(requestId, object(response, false));
    }

    /** A 2xx poll body, read tolerantly; failed, expired and moderated videos are classified failures. */
    private static final double TICKS_PER_MICRODOLLAR = 10_000;

    static ProviderAnswer answer(String requestId, JsonNode body) {
        var status = text(body, "status").toLowerCase(Locale.ROOT);
        var video = body.path("video");
        var url = text(video, "url");
        if (status.equals("done") || (status.isEmpty() && !url.isEmpty())) {
            if (video.has("respect_moderation") && !video.path("respect_moderation").asBoolean(true)) {
                throw new ProviderFailure(FailureClass.CONTENT_POLICY, "xAI's moderation blocked the video of " + requestId,
                        null, "", false);
            }
            if (url.isEmpty()) {
                throw new ProviderFailure(FailureClass.PROVIDER_FAILED, "xAI said done without a video URL", null,
                        "it finished without a video", false);
            }
            var done = ProviderAnswer.done(requestId, List.of(url), null);
            var ticks = body.path("usage").path("cost_in_usd_ticks");
            // xAI counts money in ticks of 1e-10 US dollars; the ledger in millionths
            return ticks.isNumber() ? done.withReportedCost(Math.round(ticks.asDouble() / TICKS_PER_MICRODOLLAR)) : done;
        }
        if (status.equals("failed")) {
            var said = errorMessage(body);
            var code = body.path("error").isObject() ? text(body.path("error"), "code") : text(body, "code");
            throw new ProviderFailure(FailureClass.PROVIDER_FAILED, "xAI failed " + requestId + ": "
                    + (code.isEmpty() ? "" : code + " ") + said, null, said, false);
        }
        if (status.equals("expired")) {
            throw new ProviderFailure(FailureClass.EXPIRED, "xAI says request " + requestId + " expired", null, "", false);
        }
        // pending, queued, processing, or no status at all yet: all still running
        var progress = body.path("progress");
        return ProviderAnswer.pending(requestId, 0, "", progress.isNumber() ? Math.max(0, Math.min(100, progress.asInt())) : null);
    }

    /** The body as an object for a 2xx answer; anything else becomes a classified failure. */
    private JsonNode object(HttpResponse<byte[]> response, boolean submit) {
        int code = response.statusCode();
        JsonNode node = null;
        try {
            node = json.readTree(response.body());
        } catch (JacksonException e) {
            // handled below: not JSON
        }
        if (code >= 200 && code < 300) {
            if (node == null || !node.isObject()) {
                // a submit that answered 2xx may well have created the job: its outcome is unknown
                throw new ProviderFailure(FailureClass.MALFORMED, "xAI answered HTTP " + code + " with a body that is not a JSON object",
                        null, "", submit);
            }
            return node;
        }
        var message = http.scrub(node != null && node.isObject() ? errorMessage(node) : "");
        var failure = FailureClass.of(code, message, false);
        throw new ProviderFailure(failure, "xAI answered HTTP " + code + (message.isBlank() ? "" : ": " + message),
                code == 429 || code >= 500 ? ProviderHttp.retryAfter(response) : null, message, false);
    }

    /** {@code error} as a string, or {@code error.message}, or {@code message}. */
    private static String errorMessage(JsonNode body) {
        var error = body.path("error");
        if (error.isString()) {
            return error.asString();
        }
        if (error.isObject()) {
            return text(error, "message");
        }
        return text(body, "message");
    }

    private static String text(JsonNode node, String field) {
        var value = node.get(field);
        return value == null || value.isNull() || value.isContainer() ? "" : value.asString();
    }
}
