package com.desayre.gateway.generation;

import com.desayre.gateway.web.ProblemTypes;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What a handler that submits jobs ({@link Submissions}) may answer besides its own checks: the content policy, the
 * Idempotency-Key, the limits (which also put {@code RateLimit} headers on every answer), the line for the provider
 * being full, Kafka not answering. For the OpenAPI document.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
@ProblemTypes({"prompt-rejected", "idempotency-key-reused", "idempotency-key-in-progress", "request-exceeds-limits", "rate-limited",
        "too-many-in-flight", "daily-quota-exceeded", "budget-exceeded", "queue-full", "limits-unavailable", "service-unavailable",
        "webhook-url-refused"})
@interface SubmissionProblems {
}
