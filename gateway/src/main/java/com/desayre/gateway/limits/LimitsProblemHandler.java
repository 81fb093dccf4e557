package com.desayre.gateway.limits;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Renders {@link LimitExceeded} as problem+json with its {@code Retry-After} and rate-limit headers. */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class LimitsProblemHandler {

    @ExceptionHandler(LimitExceeded.class)
    ResponseEntity<ProblemDetail> limitExceeded(LimitExceeded exceeded) {
        return ResponseEntity.status(exceeded.status()).headers(exceeded.headers()).body(exceeded.toProblemDetail());
    }
}
