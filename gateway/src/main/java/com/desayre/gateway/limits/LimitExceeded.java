package com.desayre.gateway.limits;

import com.desayre.gateway.limits.LimitUsage.Ask;
import com.desayre.gateway.limits.LimitUsage.Outcome;
import com.desayre.gateway.web.ApiProblem;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * A generation request a limit refused: 429 with {@code Retry-After} and the rate-limit headers
 * (422 when no wait would help; 503 when limits cannot be checked and the fallback is closed, or when the
 * line for the provider is full: {@code QueueAdmission}).
 * Nothing was published for it. Rendered by {@link LimitsProblemHandler}.
 */
public class LimitExceeded extends RuntimeException {
    static final String RATE_LIMITED = "rate-limited";
    static final String TOO_MANY_IN_FLIGHT = "too-many-in-flight";
    static final String DAILY_QUOTA_EXCEEDED = "daily-quota-exceeded";
    static final String REQUEST_EXCEEDS_LIMITS = "request-exceeds-limits";
    static final String LIMITS_UNAVAILABLE = "limits-unavailable";
    static final String QUEUE_FULL = "queue-full";

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final HttpHeaders headers;
    private final Map<String, Object> properties;

    private LimitExceeded(HttpStatus status, String type, String title, String detail, HttpHeaders headers,
                          Map<String, Object> properties) {
        super(detail, null, false, false);
        this.status = status;
        this.type = type;
        this.title = title;
        this.headers = headers;
        this.properties = properties;
    }

    static LimitExceeded of(Ask ask, Outcome outcome, LimitSettings settings, HttpHeaders rateLimitHeaders) {
        var retryAfter = RateLimitHeaders.seconds(outcome.waitMs());
        var headers = new HttpHeaders();
        headers.addAll(rateLimitHeaders);
        var properties = new LinkedHashMap<String, Object>();
        properties.put("cost", ask.cost());
        String type;
        String title;
        String detail;
        switch (outcome.verdict()) {
            case DAILY_QUOTA -> {
                type = DAILY_QUOTA_EXCEEDED;
                title = "Daily quota used up";
                detail = "You have used " + outcome.dailyUsed() + " of your " + ask.dailyQuota() + " units for today and this "
                        + "request needs " + ask.cost() + ". Your quota renews at 00:00 UTC (in " + human(outcome.msToMidnight())
                        + "); if you need more today, ask an admin to raise your daily quota.";
                properties.put("dailyQuota", ask.dailyQuota());
                properties.put("usedToday", outcome.dailyUsed());
            }
            case IN_FLIGHT -> {
                type = TOO_MANY_IN_FLIGHT;
                title = "Too many jobs in flight";
                retryAfter = Math.max(retryAfter, settings.inFlightRetryAfter().toSeconds());
                detail = "You already have " + outcome.inFlight() + " jobs running, the most you may have at once is "
                        + settings.maxInFlight() + ". Wait for one to finish (GET /api/events shows when) or cancel one "
                        + "(POST /api/jobs/{id}/cancel), then send this request again.";
                properties.put("inFlight", outcome.inFlight());
                properties.put("maxInFlight", settings.maxInFlight());
            }
            case API_KEY_BUCKET -> {
                type = RATE_LIMITED;
                title = "Too many generation requests";
                detail = "This API key has " + outcome.keyTokens() + " of its " + settings.apiKey().capacity() + " units left and "
                        + "this request needs " + ask.cost() + ". Wait " + retryAfter + " s (Retry-After) and send it again, "
                        + "or spread the requests out: the key regains " + settings.apiKey().capacity() + " units every "
                        + human(settings.apiKey().window().toMillis()) + ".";
                properties.put("policy", GenerationLimits.API_KEY_POLICY);
            }
            default -> {
                type = RATE_LIMITED;
                title = "Too many generation requests";
                detail = "You have " + outcome.userTokens() + " of your " + settings.user().capacity() + " units left and this "
                        + "request needs " + ask.cost() + ". Wait " + retryAfter + " s (Retry-After) and send it again, or "
                        + "spread your requests out: you regain " + settings.user().capacity() + " units every "
                        + human(settings.user().window().toMillis()) + ".";
                properties.put("policy", GenerationLimits.USER_POLICY);
            }
        }
        headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfter)));
        return new LimitExceeded(HttpStatus.TOO_MANY_REQUESTS, type, title, detail, headers, properties);
    }

    static LimitExceeded impossible(Ask ask, LimitSettings settings) {
        String detail;
        if (ask.jobIds().size() > settings.maxInFlight()) {
            detail = "This request makes " + ask.jobIds().size() + " jobs, more than the " + settings.maxInFlight()
                    + " you may have in flight at once. Ask for fewer (n).";
        } else {
            var capacity = ask.apiKeyId() == null ? settings.user().capacity()
                    : Math.min(settings.user().capacity(), settings.apiKey().capacity());
            detail = "This request costs " + ask.cost() + " units, more than the " + capacity + " your allowance holds, so "
                    + "waiting would not help. Ask for fewer (n) or a cheaper kind of job.";
        }
        return new LimitExceeded(HttpStatus.UNPROCESSABLE_CONTENT, REQUEST_EXCEEDS_LIMITS, "Request exceeds your limits", detail,
                new HttpHeaders(), Map.of("cost", ask.cost()));
    }

    static LimitExceeded unavailable(LimitSettings settings) {
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, settings.probeInterval().toSeconds() * 5)));
        return new LimitExceeded(HttpStatus.SERVICE_UNAVAILABLE, LIMITS_UNAVAILABLE, "Limits cannot be checked",
                "Generation is paused because the gateway cannot reach the store its limits are kept in. Nothing was queued: "
                        + "try again in a minute.", headers, Map.of());
    }

    /**
     * 503, not 429: the caller did nothing wrong and is over none of its own limits; the whole studio is busy for
     * everyone sending this kind of job, which is what 503 with {@code Retry-After} says (RFC 9110 §15.6.4), and
     * clients and proxies back off from it without blaming the user.
     */
    public static LimitExceeded queueFull(String service, com.desayre.contracts.Priority lane, long waiting, int maxWaiting,
                                   long retryAfterSeconds) {
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, retryAfterSeconds)));
        var kind = service.equals("video-worker") ? "videos" : "images and edits";
        var properties = new LinkedHashMap<String, Object>();
        properties.put("worker", service);
        properties.put("lane", lane.name().toLowerCase(java.util.Locale.ROOT));
        properties.put("waiting", waiting);
        properties.put("maxWaiting", maxWaiting);
        return new LimitExceeded(HttpStatus.SERVICE_UNAVAILABLE, QUEUE_FULL, "The line for the provider is full",
                waiting + " " + kind + " are already waiting for the provider in the " + lane.name().toLowerCase(java.util.Locale.ROOT)
                        + " lane, and DESAYRE takes at most " + maxWaiting + " there, so this request was not taken: nothing "
                        + "was queued or charged. Send it again in about " + human(retryAfterSeconds * 1000) + " (Retry-After), "
                        + "when the line has moved.", headers, properties);
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    HttpHeaders headers() {
        return headers;
    }

    ProblemDetail toProblemDetail() {
        return ApiProblem.problem(status, type, title, getMessage(), properties);
    }

    /** "4 h 12 min", "3 min 20 s", "45 s". */
    static String human(long millis) {
        var d = Duration.ofMillis(Math.max(0, millis) + 999).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        if (d.toHours() > 0) {
            return d.toHours() + " h " + d.toMinutesPart() + " min";
        }
        if (d.toMinutes() > 0) {
            return d.toMinutes() + " min" + (d.toSecondsPart() > 0 ? " " + d.toSecondsPart() + " s" : "");
        }
        return d.toSeconds() + " s";
    }
}
