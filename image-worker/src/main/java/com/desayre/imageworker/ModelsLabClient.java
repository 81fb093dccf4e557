package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
import io.github.resilience4j.timelimiter.TimeLimiter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ModelsLabs v7 image API over non-blocking HTTP: a call is a future, not a thread. The key
 * travels in the JSON body only and is scrubbed from anything the provider says back.
 * Answers come back as {@link ModelsLabAnswer} (success or processing); everything else fails the
 * future with a classified {@link ProviderFailure}.
 */
class ModelsLabClient {
    static final String TEXT_TO_IMAGE = "/api/v7/images/text-to-image";
    static final String IMAGE_TO_IMAGE = "/api/v7/images/image-to-image";
    static final String FETCH = "/api/v7/images/fetch/";

    private final ModelsLabSettings settings;
    private final HttpClient http;
    private final ScheduledExecutorService timeouts;
    private final JsonMapper json = JsonMapper.builder().build();
    private final URI base;

    ModelsLabClient(ModelsLabSettings settings, Executor callbacks, ScheduledExecutorService timeouts) {
        this.settings = settings;
        this.timeouts = timeouts;
        this.base = URI.create(settings.baseUrl());
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(callbacks).build();
    }

    /** Sends a job: text-to-image, or image-to-image for an edit. */
    CompletableFuture<ModelsLabAnswer> submit(EncodedJob job, TimeLimiter callTimeout) {
        var body = new LinkedHashMap<String, Object>();
        body.put("key", settings.apiKey());
        body.put("model_id", job.route().model());
        body.put("prompt", job.encodedPrompt());
        body.put("aspect_ratio", job.spec().aspectRatio());
        String path = TEXT_TO_IMAGE;
        if (job.spec().kind() == JobKind.EDIT) {
            path = IMAGE_TO_IMAGE;
            body.put("init_image", List.of(sourceUrl(job.spec().sourceMediaKey())));
        } else {
            body.put("width", job.spec().width());
            body.put("height", job.spec().height());
            if (job.negativePrompt() != null) {
                body.put("negative_prompt", job.negativePrompt());
            }
        }
        if (job.spec().seed() != null) {
            body.put("seed", job.spec().seed());
        }
        // correlates a webhook or a support ticket with the DESAYRE job
        body.put("track_id", job.jobId());
        return post(base.resolve(path), body, callTimeout);
    }

    /**
     * Polls a job: the provider's {@code fetch_result} URL when it points at the configured API
     * (the key goes in the body, so never to another host), else the documented path.
     */
    CompletableFuture<ModelsLabAnswer> fetch(String providerId, String fetchUrl, TimeLimiter callTimeout) {
        var uri = base.resolve(FETCH + URLEncoder.encode(providerId, StandardCharsets.UTF_8));
        if (fetchUrl != null && !fetchUrl.isBlank()) {
            try {
                var given = URI.create(fetchUrl);
                if (base.getScheme().equalsIgnoreCase(given.getScheme()) && base.getAuthority().equalsIgnoreCase(given.getAuthority())) {
                    uri = given;
                }
            } catch (IllegalArgumentException ignored) {
                // a garbled fetch_result: the documented path will do
            }
        }
        return post(uri, Map.of("key", settings.apiKey()), callTimeout);
    }

    /** Where the provider can fetch an edit's source image. */
    String sourceUrl(String mediaKey) {
        var path = new StringBuilder();
        for (var segment : mediaKey.split("/")) {
            if (!path.isEmpty()) {
                path.append('/');
            }
            path.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return settings.sourceBaseUrl() + "/" + path;
    }

    private CompletableFuture<ModelsLabAnswer> post(URI uri, Map<String, Object> body, TimeLimiter callTimeout) {
        var request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        // the TimeLimiter is the per-call timeout: on expiry it cancels the exchange
        return callTimeout.executeCompletionStage(timeouts, () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()))
                .toCompletableFuture()
                .handle((response, error) -> {
                    if (error != null) {
                        throw failureOf(error, callTimeout);
                    }
                    return read(response);
                });
    }

    /** ModelsLabs answers errors with any HTTP code and sometimes "processing" with a 400: read the body always. */
    private ModelsLabAnswer read(HttpResponse<byte[]> response) {
        int http = response.statusCode();
        JsonNode node = null;
        try {
            node = json.readTree(response.body());
        } catch (JacksonException e) {
            // handled below: not JSON
        }
        if (node == null || !node.isObject()) {
            throw new ProviderFailure(http >= 500 ? FailureClass.SERVER_ERROR : FailureClass.MALFORMED,
                    "ModelsLabs answered HTTP " + http + " with a body that is not a JSON object", null, "", http < 500);
        }
        var answer = ModelsLabAnswer.read(node);
        if (answer.outcome() == ModelsLabAnswer.Outcome.PROCESSING) {
            return answer;
        }
        if (answer.outcome() == ModelsLabAnswer.Outcome.SUCCESS && http < 300) {
            if (answer.nsfw()) {
                throw new ProviderFailure(FailureClass.CONTENT_POLICY, "ModelsLabs flagged the image as not safe for work");
            }
            return answer;
        }
        var message = scrub(answer.message());
        var failure = FailureClass.of(http, message, answer.nsfw());
        var retryAfter = retryAfter(answer, response);
        throw new ProviderFailure(failure, "ModelsLabs answered HTTP " + http + ": "
                + (message.isBlank() ? "status " + answer.outcome().name().toLowerCase(java.util.Locale.ROOT) : message),
                retryAfter, message, false);
    }

    private static Duration retryAfter(ModelsLabAnswer answer, HttpResponse<?> response) {
        if (answer.retryAfterSeconds() > 0) {
            return Duration.ofMillis((long) (answer.retryAfterSeconds() * 1000));
        }
        var header = response.headers().firstValue("Retry-After").orElse("").strip();
        if (header.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                var wait = Duration.between(java.time.Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }

    private ProviderFailure failureOf(Throwable error, TimeLimiter callTimeout) {
        var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ProviderFailure failure) {
            return failure;
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return new ProviderFailure(FailureClass.TIMEOUT, "ModelsLabs did not answer within "
                    + callTimeout.getTimeLimiterConfig().getTimeoutDuration().toMillis() + " ms", null, "", true);
        }
        // a refused connection never carried the request; any other break may have come after it arrived
        var neverSent = cause instanceof java.net.ConnectException;
        return new ProviderFailure(FailureClass.NETWORK, "Could not talk to ModelsLabs: " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " (" + scrub(cause.getMessage()) + ")"), null, "", !neverSent);
    }

    /** What the provider says may quote the key (some do): never let it through. */
    String scrub(String text) {
        var key = settings.apiKey();
        if (text == null) {
            return "";
        }
        return key == null || key.isBlank() ? text : text.replace(key, "****");
    }
}
