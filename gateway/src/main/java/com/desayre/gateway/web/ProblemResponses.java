package com.desayre.gateway.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a problem+json answer straight to the exchange, for the places that answer before or
 * outside a controller (the security chain, {@link ProblemFallback}); controllers throw
 * {@link ApiProblem} instead and {@link ProblemHandler} writes it.
 */
public final class ProblemResponses {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ProblemResponses() {
    }

    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String title, String detail,
                                   Map<String, String> headers) {
        return write(exchange, status, type, title, detail, headers, Map.of());
    }

    /** @param properties the problem's extension members (e.g. {@code errors}), after the standard ones */
    public static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, String type, String title, String detail,
                                   Map<String, String> headers, Map<String, Object> properties) {
        var response = exchange.getResponse();
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        headers.forEach((name, value) -> response.getHeaders().add(name, value));
        var members = new LinkedHashMap<String, Object>(Map.of("type", "/problems/" + type, "title", title,
                "status", status.value(), "detail", detail, "instance", exchange.getRequest().getPath().value()));
        properties.forEach(members::putIfAbsent);
        var body = JSON.writeValueAsBytes(members);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}
