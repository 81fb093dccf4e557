package com.desayre.gateway.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.codec.DecodingException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.bind.support.WebExchangeBindException;
import reactor.core.publisher.Mono;

/**
 * Every error the API answers is problem+json with a stable type: ours ({@link ApiProblem}) and
 * the framework's (bad JSON, unsupported media type, unknown route…), never a stack trace.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    @ExceptionHandler(ApiProblem.class)
    ResponseEntity<ProblemDetail> apiProblem(ApiProblem problem) {
        var response = ResponseEntity.status(problem.status());
        if (problem.status() == HttpStatus.SERVICE_UNAVAILABLE) {
            response.header(HttpHeaders.RETRY_AFTER, "5");
        }
        return response.body(problem.toProblemDetail());
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException ex, HttpHeaders headers,
                                                                        HttpStatusCode status, ServerWebExchange exchange) {
        var unreadable = RequestValidator.unreadable(ex);
        if (unreadable != null) {
            return Mono.just(ResponseEntity.badRequest().body(ApiProblem.invalid(List.of(unreadable)).toProblemDetail()));
        }
        if (ex.getCause() instanceof DecodingException || ex.getReason() != null && ex.getReason().contains("body")) {
            var problem = ApiProblem.problem(HttpStatus.BAD_REQUEST, ApiProblem.MALFORMED_JSON, "Malformed request body",
                    "The request body is missing or is not valid JSON. Send a JSON object, e.g. {\"prompt\": \"a lighthouse at dusk\"}.",
                    Map.of());
            return Mono.just(ResponseEntity.badRequest().body(problem));
        }
        if (ex.getCause() instanceof org.springframework.beans.TypeMismatchException mismatch) {
            // a query or path parameter of the wrong type (limit=abc): a field error naming it, like a body field
            var name = ex.getMethodParameter() != null && ex.getMethodParameter().getParameterName() != null
                    ? ex.getMethodParameter().getParameterName() : String.valueOf(mismatch.getPropertyName());
            var type = mismatch.getRequiredType() == null ? "of another type" : switch (mismatch.getRequiredType().getSimpleName()) {
                case "Integer", "int", "Long", "long" -> "a whole number";
                case "Boolean", "boolean" -> "true or false";
                default -> "a " + mismatch.getRequiredType().getSimpleName();
            };
            var problem = ApiProblem.invalid(List.of(new ApiProblem.FieldError(name, "'" + name + "' must be " + type + ".")));
            return Mono.just(ResponseEntity.badRequest().body(problem.toProblemDetail()));
        }
        return super.handleServerWebInputException(ex, headers, status, exchange);
    }

    /** A body that read as JSON but failed its record's constraints: every wrong field, in one problem. */
    @Override
    protected Mono<ResponseEntity<Object>> handleWebExchangeBindException(WebExchangeBindException ex, HttpHeaders headers,
                                                                         HttpStatusCode status, ServerWebExchange exchange) {
        var errors = new ArrayList<ApiProblem.FieldError>();
        ex.getFieldErrors().forEach(error -> errors.add(RequestValidator.error(error.getField(), String.valueOf(error.getDefaultMessage()))));
        ex.getGlobalErrors().forEach(error -> errors.add(RequestValidator.error("", String.valueOf(error.getDefaultMessage()))));
        var target = ex.getTarget() == null ? Object.class : ex.getTarget().getClass();
        return Mono.just(ResponseEntity.badRequest().body(ApiProblem.invalid(RequestValidator.sorted(errors, target)).toProblemDetail()));
    }

    @Override
    protected Mono<ResponseEntity<Object>> createResponseEntity(Object body, HttpHeaders headers, HttpStatusCode status,
                                                                ServerWebExchange exchange) {
        // Spring leaves the type null (not about:blank) on its own problems: give each a stable one either way
        if (body instanceof ProblemDetail problem && (problem.getType() == null || "about:blank".equals(problem.getType().toString()))) {
            problem.setType(java.net.URI.create("/problems/" + slug(status)));
        }
        return super.createResponseEntity(body, headers, status, exchange);
    }

    private static String slug(HttpStatusCode status) {
        var known = HttpStatus.resolve(status.value());
        return known == null ? "http-" + status.value() : known.name().toLowerCase().replace('_', '-');
    }
}
