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
}
