package com.desayre.gateway.web;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * An RFC 9457 problem the API answers with: a stable {@code type} programs branch on and a
 * sentence a person can act on. Thrown from handlers, rendered by {@link ProblemHandler}.
 */
public class ApiProblem extends RuntimeException {
    static final String INVALID_REQUEST = "invalid-request";
    static final String MALFORMED_JSON = "malformed-json";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String BAD_CREDENTIALS = "bad-credentials";
    static final String NOT_FOUND = "not-found";
    public static final String KAFKA_UNAVAILABLE = "service-unavailable";

    private final HttpStatus status;
    private final String type;
    private final String title;
    private final Map<String, Object> properties;

    public ApiProblem(HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
        super(detail);
        this.status = status;
        this.type = type;
        this.title = title;
        this.properties = properties;
    }

    /** A request that fails validation, naming each field that is wrong. */
    public static ApiProblem invalid(List<FieldError> errors) {
        var detail = errors.size() == 1 ? errors.get(0).message()
                : "The request has " + errors.size() + " problems: see errors.";
        return new ApiProblem(HttpStatus.BAD_REQUEST, INVALID_REQUEST, "Invalid request", detail, Map.of("errors", errors));
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(HttpStatus.NOT_FOUND, NOT_FOUND, "Not found", detail, Map.of());
    }

    HttpStatus status() {
        return status;
    }

    String type() {
        return type;
    }

    String title() {
        return title;
    }

    /** Extension members beyond type, title, status and detail (e.g. {@code errors}). */
    Map<String, Object> properties() {
        return properties;
    }

    ProblemDetail toProblemDetail() {
        return problem(status, type, title, getMessage(), properties);
    }

    public static ProblemDetail problem(HttpStatus status, String type, String title, String detail, Map<String, Object> properties) {
        var problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create("/problems/" + type));
        problem.setTitle(title);
        properties.forEach(problem::setProperty);
        return problem;
    }

    /** One field that is wrong, and why. */
    public record FieldError(String field, String message) {
    }
}
