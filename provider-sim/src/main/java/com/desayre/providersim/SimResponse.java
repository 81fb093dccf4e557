package com.desayre.providersim;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a handler answers. {@code delay} lets a handler model provider latency (a synchronous
 * ModelsLab submit) without holding a worker thread: the server sends the response later.
 */
record SimResponse(int status, String contentType, byte[] body, Map<String, String> headers, Duration delay) {

    static final String JSON = "application/json";

    /** Not an answer: the server drops the connection without a response (a reset, as clients see it). */
    static final SimResponse RESET = new SimResponse(-1, "text/plain", new byte[0], Map.of(), Duration.ZERO);

    static SimResponse json(int status, Object value) {
        return new SimResponse(status, JSON, Json.write(value), Map.of(), Duration.ZERO);
    }

    static SimResponse noContent() {
        return new SimResponse(204, JSON, new byte[0], Map.of(), Duration.ZERO);
    }

    /** RFC 9457 problem+json with a stable {@code type} ({@code /problems/<type>}): the simulator's own API's errors. */
    static SimResponse problem(int status, String type, String title, String detail, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "/problems/" + type);
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        body.putAll(extra);
        return new SimResponse(status, "application/problem+json", Json.write(body), Map.of(), Duration.ZERO);
    }

    static SimResponse bytes(String contentType, byte[] body) {
        return new SimResponse(200, contentType, body, Map.of(), Duration.ZERO);
    }

    static SimResponse text(int status, String text) {
        return new SimResponse(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8),
                Map.of(), Duration.ZERO);
    }

    SimResponse delayedBy(Duration delay) {
        return new SimResponse(status, contentType, body, headers, delay);
    }

    SimResponse withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new SimResponse(status, contentType, body, Map.copyOf(copy), delay);
    }
}
