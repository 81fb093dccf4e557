package com.desayre.imageworker;

import com.desayre.contracts.EncodedJob;
import com.desayre.contracts.JobKind;
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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The ModelsLabs v7 image API over non-blocking HTTP: a call is a future, not a thread. The key
 * travels in the JSON body only and is scrubbed from anything the provider says back.
 * Answers come back as {@link ModelsLabAnswer} (success or processing); everything else fails the
 * future with a classified {@link ProviderFailure}.
 */
class ModelsLabClient implements ProviderClient {
    static final String TEXT_TO_IMAGE = "/api/v7/images/text-to-image";
    static final String IMAGE_TO_IMAGE = "/api/v7/images/image-to-image";
    static final String FETCH = "/api/v7/images/fetch/";

    private final ModelsLabSettings settings;
    private final ProviderHttp http;
    private final JsonMapper json = JsonMapper.builder().build();
    private final URI base;

    ModelsLabClient(ModelsLabSettings settings, ProviderHttp http) {
        this.settings = settings;
        this.http = http;
        this.base = URI.create(settings.baseUrl());
    }

    @Override
    public String name() {
        return "ModelsLabs";
    }

    @Override
    public String makes() {
        return "image";
    }

    /** Sends a job: text-to-image, or image-to-image for an edit. */
    @Override
    public CompletableFuture<ProviderAnswer> submit(EncodedJob job, TimeLimiter callTimeout) {
        var body = new LinkedHashMap<String, Object>();
        body.put("key", settings.apiKey());
        body.put("model_id", job.route().model());
        // [sim:…] directives (a test's, or a user's) reach the simulator only
        body.put("prompt", SimulatorDirectives.forProvider(job.encodedPrompt(), settings.talksToSimulator()));
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
        return post(base.resolve(path), body, callTimeout, List.of());
    }

    /**
     * Polls a job: the provider's {@code fetch_result} URL when it points at the configured API
     * (the key goes in the body, so never to another host), else the documented path.
     */
    @Override
    public CompletableFuture<ProviderAnswer> poll(JobRow row, TimeLimiter callTimeout) {
        var fetchUrl = row.pollUrl();
        var uri = base.resolve(FETCH + URLEncoder.encode(row.providerId(), StandardCharsets.UTF_8));
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
        return post(uri, Map.of("key", settings.apiKey()), callTimeout, row.laterLinks());
    }

    /** Where the provider can fetch an edit's source image. */
    String sourceUrl(String mediaKey) {
        return http.sourceUrl(settings.sourceBaseUrl(), mediaKey);
    }

    /** @param futureLinks the job's earlier {@code future_links}: where a success that names no output has it */
    private CompletableFuture<ProviderAnswer> post(URI uri, Map<String, Object> body, TimeLimiter callTimeout,
                                                   List<String> futureLinks) {
        var request = HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)))
                .build();
        return http.send(request, callTimeout).thenApply(response -> read(response, futureLinks));
    }

    /** ModelsLabs answers errors with any HTTP code and sometimes "processing" with a 400: read the body always. */
    private ProviderAnswer read(HttpResponse<byte[]> response, List<String> futureLinks) {
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
            return ProviderAnswer.pending(answer.id(), answer.etaSeconds(), answer.fetchUrl(), null, answer.futureLinks());
        }
        if (answer.outcome() == ModelsLabAnswer.Outcome.SUCCESS && http < 300) {
            if (answer.nsfw()) {
                throw new ProviderFailure(FailureClass.CONTENT_POLICY, "ModelsLabs flagged the image as not safe for work");
            }
            var outputs = answer.outputs();
            if (outputs.isEmpty()) {
                // success with neither output nor proxy_links: the earlier future_links (docs/providers.md §1.4)
                outputs = !futureLinks.isEmpty() ? futureLinks : answer.futureLinks();
            }
            return ProviderAnswer.done(answer.id(), outputs, answer.seed());
        }
        var message = this.http.scrub(answer.message());
        var failure = FailureClass.of(http, message, answer.nsfw());
        if (answer.outcome() == ModelsLabAnswer.Outcome.FAILED && failure != FailureClass.CONTENT_POLICY) {
            // docs/providers.md §1.5: "failed" is the provider's own failure, not a refusal of the request
            failure = FailureClass.PROVIDER_FAILED;
        }
        var retryAfter = retryAfter(answer, response);
        throw new ProviderFailure(failure, "ModelsLabs answered HTTP " + http + ": "
                + (message.isBlank() ? "status " + answer.outcome().name().toLowerCase(java.util.Locale.ROOT) : message),
                retryAfter, message, false);
    }

    private static Duration retryAfter(ModelsLabAnswer answer, HttpResponse<?> response) {
        if (answer.retryAfterSeconds() > 0) {
            return Duration.ofMillis((long) (answer.retryAfterSeconds() * 1000));
        }
        return ProviderHttp.retryAfter(response);
    }
}
