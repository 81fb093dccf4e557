package com.desayre.contracts;

/**
 * Why a job failed: a stable {@code code} programs branch on, and a sentence a person can act on.
 * Never carries a secret or a stack trace.
 */
public record JobError(String code, String message) {
    public static final String PROMPT_REJECTED = "PROMPT_REJECTED";
    public static final String PROVIDER_REJECTED = "PROVIDER_REJECTED";
    public static final String PROVIDER_UNAVAILABLE = "PROVIDER_UNAVAILABLE";
    public static final String BAD_PROVIDER_OUTPUT = "BAD_PROVIDER_OUTPUT";
    public static final String STORAGE_FAILED = "STORAGE_FAILED";
    public static final String NOT_SUPPORTED = "NOT_SUPPORTED";
    /** The provider refused DESAYRE's account: bad API key, no credits, plan limits. Not retried. */
    public static final String PROVIDER_AUTH = "PROVIDER_AUTH";
    /** The provider's moderation blocked the prompt, the source image or the output. Not retried. */
    public static final String CONTENT_POLICY = "CONTENT_POLICY";
    /** The provider accepted the job, then gave up on it (failed, or forgot it). */
    public static final String PROVIDER_FAILED = "PROVIDER_FAILED";
    /** The provider no longer knows the job (xAI {@code expired}): it has to be run again. */
    public static final String PROVIDER_EXPIRED = "PROVIDER_EXPIRED";
    /** A submit's outcome is unknown and resending could charge twice: the job is not sent again. */
    public static final String SUBMISSION_UNKNOWN = "SUBMISSION_UNKNOWN";
    /**
     * The job waited in DESAYRE's own line for a place at the provider longer than its request allowed
     * ({@code maxWaitSeconds}); it was never sent, so nothing was charged.
     */
    public static final String EXPIRED_IN_QUEUE = "EXPIRED_IN_QUEUE";
    /**
     * The request broke {@link RequestRules} (the REST door's {@code /problems/invalid-request}): a record published
     * straight to {@code generation.requested} with a bad prompt, size, source or option. Nothing was sent anywhere.
     */
    public static final String INVALID_REQUEST = "INVALID_REQUEST";
    /**
     * The job's owner has no account, or a disabled one (the REST door's {@code /problems/unauthorized}): only a
     * record published straight to {@code generation.requested} can say so. Nothing was sent anywhere.
     */
    public static final String OWNER_NOT_ALLOWED = "OWNER_NOT_ALLOWED";
    /**
     * The job grew past what Kafka takes for its next step ({@code max.request.size}): retrying cannot help.
     */
    public static final String JOB_TOO_LARGE = "JOB_TOO_LARGE";
}
