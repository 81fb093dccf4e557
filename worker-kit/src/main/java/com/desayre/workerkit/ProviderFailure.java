package com.desayre.workerkit;

import java.time.Duration;

/**
 * A provider call that did not give a usable answer, classified. The message is already safe to
 * log and show: it never holds the API key.
 *
 * @see FailureClass
 */
public class ProviderFailure extends RuntimeException {
    private final FailureClass failureClass;
    private final transient Duration retryAfter;
    private final String providerMessage;
    private final boolean outcomeUnknown;

    /**
     * @param message         for logs and the dead-letter headers
     * @param providerMessage what the provider itself said (scrubbed), for the user; may be empty
     * @param outcomeUnknown  the request may have reached the provider and created a job anyway
     */
    public ProviderFailure(FailureClass failureClass, String message, Duration retryAfter, String providerMessage,
                    boolean outcomeUnknown) {
        super(message, null, false, false);
        this.failureClass = failureClass;
        this.retryAfter = retryAfter;
        this.providerMessage = providerMessage == null ? "" : providerMessage;
        this.outcomeUnknown = outcomeUnknown;
    }

    public ProviderFailure(FailureClass failureClass, String message) {
        this(failureClass, message, null, "", false);
    }

    public String providerMessage() {
        return providerMessage;
    }

    public boolean outcomeUnknown() {
        return outcomeUnknown;
    }

    public FailureClass failureClass() {
        return failureClass;
    }

    /** The provider's {@code retry_after} / {@code Retry-After}, or null. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
