package com.desayre.workerkit;

import com.desayre.contracts.JobError;
import java.util.Locale;

/**
 * Every way a provider call can go wrong, and what DESAYRE does about it. Retryable classes are
 * tried again with backoff and finally dead-lettered as PROVIDER_UNAVAILABLE; the others end the
 * job at once with their own code.
 */
public enum FailureClass {
    /** Bad key, no credits, plan limits (401/402/403, or HTTP 200 saying so). */
    AUTH(false, false, JobError.PROVIDER_AUTH),
    /** Moderation: {@code nsfw_content_detected}, or a message about policy, nsfw, blocked content. */
    CONTENT_POLICY(false, false, JobError.CONTENT_POLICY),
    /** Validation: a parameter, the model or the source image was refused (400/404/415/422, or 200 + error). */
    REJECTED(false, false, JobError.PROVIDER_REJECTED),
    /** The provider accepted the job and then failed or forgot it. */
    PROVIDER_FAILED(false, false, JobError.PROVIDER_FAILED),
    /** The provider's job id is no longer valid (xAI {@code expired}): a new job would be needed. */
    EXPIRED(false, false, JobError.PROVIDER_EXPIRED),
    /** 429 / "Rate limit exceeded": the account's queue is full; the request was not taken. */
    RATE_LIMITED(true, false, JobError.PROVIDER_UNAVAILABLE),
    /** 5xx, or a body saying "Internal server error… / temporarily unavailable". */
    SERVER_ERROR(true, true, JobError.PROVIDER_UNAVAILABLE),
    /** The connection failed or dropped. */
    NETWORK(true, true, JobError.PROVIDER_UNAVAILABLE),
    /** The call or the job took longer than allowed. */
    TIMEOUT(true, true, JobError.PROVIDER_UNAVAILABLE),
    /** An answer that is not the JSON the API documents. */
    MALFORMED(true, true, JobError.PROVIDER_UNAVAILABLE);

    private final boolean retryable;
    private final boolean providerSick;
    private final String code;

    FailureClass(boolean retryable, boolean providerSick, String code) {
        this.retryable = retryable;
        this.providerSick = providerSick;
        this.code = code;
    }

    public boolean retryable() {
        return retryable;
    }

    /** Whether it counts against the provider in the circuit breaker (refusals and a full queue do not). */
    public boolean providerSick() {
        return providerSick;
    }

    public String code() {
        return code;
    }

    /** For metric tags and headers. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Classifies an answer that is not success or processing: the HTTP code first where it is
     * telling, else the message (ModelsLabs answers many errors with HTTP 200; xAI's 400 may mean a bad key).
     */
    public static FailureClass of(int httpStatus, String message, boolean nsfw) {
        var m = message == null ? "" : message.toLowerCase(Locale.ROOT);
        if (nsfw || m.contains("policy") || m.contains("nsfw") || m.contains("blocked") || m.contains("moderat")) {
            return CONTENT_POLICY;
        }
        if (httpStatus == 429 || m.contains("rate limit") || m.contains("queued requests") || m.contains("too many")) {
            return RATE_LIMITED;
        }
        if (httpStatus >= 500) {
            return SERVER_ERROR;
        }
        if (httpStatus == 401 || httpStatus == 402 || httpStatus == 403 || m.contains("api key") || m.contains("credit")
                || m.contains("balance") || m.contains("plan") || m.contains("subscription") || m.contains("unauthori")) {
            return AUTH;
        }
        if (httpStatus >= 400) {
            return REJECTED;
        }
        if (m.contains("internal server error") || m.contains("temporarily unavailable") || m.contains("try again later")) {
            return SERVER_ERROR;
        }
        return REJECTED;
    }
}
