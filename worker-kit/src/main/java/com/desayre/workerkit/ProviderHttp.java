package com.desayre.workerkit;

import io.github.resilience4j.timelimiter.TimeLimiter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeoutException;

/**
 * A provider's HTTP, non-blocking: a call is a future, not a thread. Transport trouble comes back
 * as a classified {@link ProviderFailure} (TIMEOUT, NETWORK), with the API key scrubbed from
 * anything quoted.
 */
public final class ProviderHttp {
    private final String provider;
    private final String apiKey;
    private final HttpClient http;
    private final ScheduledExecutorService timeouts;
    private final com.desayre.platform.MediaLinks links;

    /**
     * @param provider  the provider's name for people
     * @param apiKey    never to appear in a message (may be blank)
     * @param callbacks runs the HTTP client's completions
     * @param timeouts  runs the per-call time limits
     */
    public ProviderHttp(String provider, String apiKey, Executor callbacks, ScheduledExecutorService timeouts) {
        this(provider, apiKey, callbacks, timeouts, null);
    }

    /** @param links signs source links (see {@link #sourceUrl}); null when sources are public */
    public ProviderHttp(String provider, String apiKey, Executor callbacks, ScheduledExecutorService timeouts,
                        com.desayre.platform.MediaLinks links) {
        this.links = links;
        this.provider = provider;
        this.apiKey = apiKey;
        this.timeouts = timeouts;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).executor(callbacks).build();
    }

    /** The request with the job's trace ({@code traceparent}) when a step runs in one (JobDispatcher). */
    static HttpRequest traced(HttpRequest request) {
        var traceparent = com.desayre.platform.JobTrace.traceparent();
        if (traceparent == null || request.headers().firstValue(com.desayre.platform.JobTrace.HEADER).isPresent()) {
            return request;
        }
        return HttpRequest.newBuilder(request, (name, value) -> true).header(com.desayre.platform.JobTrace.HEADER, traceparent).build();
    }

    /** Sends within {@code callTimeout} (on expiry the exchange is cancelled); any answer, whatever its code. */
    public CompletableFuture<HttpResponse<byte[]>> send(HttpRequest call, TimeLimiter callTimeout) {
        var request = traced(call);
        return callTimeout.executeCompletionStage(timeouts, () -> http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray()))
                .toCompletableFuture()
                .handle((response, error) -> {
                    if (error != null) {
                        throw failureOf(error, callTimeout);
                    }
                    return response;
                });
    }

    private ProviderFailure failureOf(Throwable error, TimeLimiter callTimeout) {
        var cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof ProviderFailure failure) {
            return failure;
        }
        if (cause instanceof TimeoutException || cause instanceof java.net.http.HttpTimeoutException) {
            return new ProviderFailure(FailureClass.TIMEOUT, provider + " did not answer within "
                    + callTimeout.getTimeLimiterConfig().getTimeoutDuration().toMillis() + " ms", null, "", true);
        }
        // a refused connection never carried the request; any other break may have come after it arrived
        var neverSent = cause instanceof java.net.ConnectException;
        return new ProviderFailure(FailureClass.NETWORK, "Could not talk to " + provider + ": " + cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : " (" + scrub(cause.getMessage()) + ")"), null, "", !neverSent);
    }

    /** What a provider says may quote the key (some do): never let it through. */
    public String scrub(String text) {
        if (text == null) {
            return "";
        }
        return apiKey == null || apiKey.isBlank() ? text : text.replace(apiKey, "****");
    }

    /**
     * Where a provider fetches a stored DESAYRE file: {@code <base>/<key>}, each path segment of the
     * key URL-encoded (a public bucket or CDN URL, e.g. {@code R2_PUBLIC_URL}).
     */
    public static String publicUrl(String base, String mediaKey) {
        var path = new StringBuilder();
        for (var segment : mediaKey.split("/")) {
            if (!path.isEmpty()) {
                path.append('/');
            }
            path.append(java.net.URLEncoder.encode(segment, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return base + "/" + path;
    }

    /**
     * Where the provider fetches an edit's or a video's source image: {@link #publicUrl}, signed
     * with an expiry when DESAYRE serves sources itself (the gateway's {@code /media/source/}).
     */
    public String sourceUrl(String base, String mediaKey) {
        var url = publicUrl(base, mediaKey);
        return links == null ? url : links.sign(url, mediaKey);
    }

    /** A {@code Retry-After} header in seconds or as an HTTP date, or null. */
    public static Duration retryAfter(HttpResponse<?> response) {
        var header = response.headers().firstValue("Retry-After").orElse("").strip();
        if (header.isEmpty()) {
            return null;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(header));
        } catch (NumberFormatException notSeconds) {
            try {
                var at = ZonedDateTime.parse(header, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                var wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (RuntimeException notADate) {
                return null;
            }
        }
    }
}
